use super::*;

#[test]
fn case_mapping_follows_rust_conventions() {
    assert_eq!(rust_ident("fooBar", Case::Snake).unwrap(), "foo_bar");
    assert_eq!(rust_ident("foo_bar", Case::Pascal).unwrap(), "FooBar");
    assert_eq!(
        rust_ident("WaitForIds", Case::Snake).unwrap(),
        "wait_for_ids"
    );
}

#[test]
fn rust_keywords_are_escaped_and_unrawable_ones_rejected() {
    assert_eq!(rust_ident("type", Case::Snake).unwrap(), "r#type");
    assert_eq!(rust_ident("Type", Case::Snake).unwrap(), "r#type");
    assert_eq!(
        rust_ident("self", Case::Snake),
        Err(RustNameError::NotRaw("self".into()))
    );
    assert_eq!(
        rust_ident("self", Case::Pascal),
        Err(RustNameError::NotRaw("Self".into()))
    );
    assert_eq!(rust_ident("__", Case::Pascal), Err(RustNameError::Empty));
    assert!(matches!(
        rust_ident("_1", Case::Pascal),
        Err(RustNameError::StartsWithDigit(_))
    ));
}

#[test]
fn reserved_words_are_whole_words() {
    assert!(is_reserved("parent"));
    assert!(!is_reserved("parent_hint"));
    assert!(!is_reserved("children"));
    assert!(!is_reserved("delete"));
}

#[test]
fn suggestions_find_close_names_only() {
    let names = ["Priority", "ReplyPriority", "Compress", "Timeout"];
    assert_eq!(did_you_mean("Priorty", names), Some("Priority"));
    assert_eq!(did_you_mean("compress", names), Some("Compress"));
    assert_eq!(did_you_mean("Zebra", names), None);
}
