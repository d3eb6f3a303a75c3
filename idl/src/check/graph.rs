//! Strongly connected components (Tarjan), iterative so that long chains of
//! declarations cannot exhaust the stack.

/// The components of the graph `edges[node] = successors`, each listed in
/// discovery order; components come out in reverse topological order.
pub(crate) fn strongly_connected(edges: &[Vec<usize>]) -> Vec<Vec<usize>> {
    const UNSEEN: usize = usize::MAX;
    let count = edges.len();
    let mut index = vec![UNSEEN; count];
    let mut low = vec![0; count];
    let mut on_stack = vec![false; count];
    let mut stack = Vec::new();
    let mut components = Vec::new();
    let mut next_index = 0;
    for root in 0..count {
        if index[root] != UNSEEN {
            continue;
        }
        // (node, next successor position)
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        index[root] = next_index;
        low[root] = next_index;
        next_index += 1;
        stack.push(root);
        on_stack[root] = true;
        while let Some(&(node, position)) = work.last() {
            if let Some(&next) = edges[node].get(position) {
                if let Some(top) = work.last_mut() {
                    top.1 += 1;
                }
                if index[next] == UNSEEN {
                    index[next] = next_index;
                    low[next] = next_index;
                    next_index += 1;
                    stack.push(next);
                    on_stack[next] = true;
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(index[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == index[node] {
                let mut component = Vec::new();
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.reverse();
                components.push(component);
            }
        }
    }
    components
}

/// A path `from → … → from` inside one component, for printing a cycle.
pub(crate) fn cycle_through(edges: &[Vec<usize>], component: &[usize], from: usize) -> Vec<usize> {
    let inside = |n: usize| component.contains(&n);
    // Breadth-first search back to `from`, staying inside the component.
    let mut previous = vec![usize::MAX; edges.len()];
    let mut queue = std::collections::VecDeque::from([from]);
    while let Some(node) = queue.pop_front() {
        for &next in &edges[node] {
            if !inside(next) {
                continue;
            }
            if next == from {
                let mut chain = Vec::new();
                let mut at = node;
                while at != from {
                    chain.push(at);
                    at = previous[at];
                }
                chain.reverse();
                let mut path = vec![from];
                path.extend(chain);
                path.push(from);
                return path;
            }
            if previous[next] == usize::MAX {
                previous[next] = node;
                queue.push_back(next);
            }
        }
    }
    vec![from, from]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_cycles_and_singletons() {
        // 0 -> 1 -> 2 -> 0, 3 -> 3, 4 alone
        let edges = vec![vec![1], vec![2], vec![0], vec![3], vec![]];
        let mut components = strongly_connected(&edges);
        components.iter_mut().for_each(|c| c.sort());
        components.sort();
        assert_eq!(components, vec![vec![0, 1, 2], vec![3], vec![4]]);
        assert_eq!(cycle_through(&edges, &[0, 1, 2], 0), vec![0, 1, 2, 0]);
        assert_eq!(cycle_through(&edges, &[3], 3), vec![3, 3]);
    }

    #[test]
    fn long_chains_do_not_recurse() {
        let edges: Vec<Vec<usize>> = (0..200_000).map(|i| vec![(i + 1) % 200_000]).collect();
        let components = strongly_connected(&edges);
        assert_eq!(components.len(), 1);
        assert_eq!(components[0].len(), 200_000);
    }
}
