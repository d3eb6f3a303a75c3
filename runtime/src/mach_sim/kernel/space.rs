//! IPC name spaces: names `(index << 8) | generation` (MACH.md T1, M9, M10).

use std::collections::{HashMap, VecDeque};

use super::object::{PortId, SetId};
use crate::mach_sim::kern_return::{
    KERN_FAILURE, KERN_INVALID_VALUE, KERN_NO_SPACE, kern_return_t,
};
use crate::mach_sim::port::{MACH_PORT_DEAD, MACH_PORT_NULL};

/// The largest table index (XNU's medium/large configurations).
const MAX_INDEX: u32 = 305_834;

/// The first generation of a fresh index; generations advance by 4.
const FIRST_GEN: u8 = 3;

/// The object an entry refers to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Obj {
    /// Dead names refer to nothing.
    None,
    Port(PortId),
    Set(SetId),
}

/// What a name denotes (MACH.md §2).
#[derive(Clone, Debug)]
pub(crate) struct Entry {
    /// `MACH_PORT_TYPE_*` right bits.
    pub(crate) bits: u32,
    /// User references of a send right or dead name (0 otherwise).
    pub(crate) urefs: u32,
    pub(crate) obj: Obj,
}

impl Entry {
    pub(crate) fn new(bits: u32, urefs: u32, obj: Obj) -> Entry {
        Entry { bits, urefs, obj }
    }

    pub(crate) fn port(&self) -> Option<PortId> {
        match self.obj {
            Obj::Port(p) => Some(p),
            _ => None,
        }
    }

    pub(crate) fn set(&self) -> Option<SetId> {
        match self.obj {
            Obj::Set(s) => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug)]
struct Slot {
    generation: u8,
    entry: Option<Entry>,
}

/// One task's name space.
#[derive(Debug)]
pub(crate) struct Space {
    slots: Vec<Slot>,
    /// Freed indices, reused oldest first (each with a new generation).
    free: VecDeque<u32>,
    /// Port → name, for send and receive rights only (M2, M3).
    pub(crate) reverse: HashMap<PortId, u32>,
}

fn split(name: u32) -> (usize, u8) {
    ((name >> 8) as usize, (name & 0xff) as u8)
}

impl Space {
    pub(crate) fn new() -> Space {
        Space {
            // Index 0 is never used.
            slots: vec![Slot {
                generation: 0,
                entry: None,
            }],
            free: VecDeque::new(),
            reverse: HashMap::new(),
        }
    }

    pub(crate) fn get(&self, name: u32) -> Option<&Entry> {
        if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
            return None;
        }
        let (index, generation) = split(name);
        let slot = self.slots.get(index)?;
        if slot.generation != generation {
            return None;
        }
        slot.entry.as_ref()
    }

    pub(crate) fn get_mut(&mut self, name: u32) -> Option<&mut Entry> {
        if name == MACH_PORT_NULL || name == MACH_PORT_DEAD {
            return None;
        }
        let (index, generation) = split(name);
        let slot = self.slots.get_mut(index)?;
        if slot.generation != generation {
            return None;
        }
        slot.entry.as_mut()
    }

    /// Stores `entry` under a kernel-chosen name.
    pub(crate) fn alloc(&mut self, entry: Entry) -> Result<u32, kern_return_t> {
        while let Some(index) = self.free.pop_front() {
            let slot = &mut self.slots[index as usize];
            if slot.entry.is_none() {
                slot.entry = Some(entry);
                return Ok((index << 8) | u32::from(slot.generation));
            }
        }
        let index = self.slots.len() as u32;
        if index > MAX_INDEX {
            return Err(KERN_NO_SPACE);
        }
        self.slots.push(Slot {
            generation: FIRST_GEN,
            entry: Some(entry),
        });
        Ok((index << 8) | u32::from(FIRST_GEN))
    }

    /// Checks a user-chosen name (M9): `Ok(true)` if exactly this name is
    /// in use, `Ok(false)` if it is free.
    pub(crate) fn check_user_name(&self, name: u32) -> Result<bool, kern_return_t> {
        let (index, generation) = split(name);
        if index as u32 > MAX_INDEX {
            return Err(KERN_NO_SPACE);
        }
        if name & 3 != 3 {
            return Err(KERN_INVALID_VALUE);
        }
        if index == 0 {
            return Err(KERN_FAILURE);
        }
        match self.slots.get(index) {
            Some(slot) if slot.entry.is_some() => {
                if slot.generation == generation {
                    Ok(true)
                } else {
                    Err(KERN_FAILURE)
                }
            }
            _ => Ok(false),
        }
    }

    /// Stores `entry` under a free user-chosen name (checked with
    /// [`Space::check_user_name`]).
    pub(crate) fn alloc_named(&mut self, name: u32, entry: Entry) {
        let (index, generation) = split(name);
        while self.slots.len() <= index {
            let fresh = self.slots.len() as u32;
            self.slots.push(Slot {
                generation: FIRST_GEN,
                entry: None,
            });
            self.free.push_back(fresh);
        }
        let slot = &mut self.slots[index];
        slot.generation = generation;
        slot.entry = Some(entry);
    }

    /// Frees a name; its index comes back later with a new generation.
    pub(crate) fn free(&mut self, name: u32) -> Option<Entry> {
        let (index, generation) = split(name);
        let slot = self.slots.get_mut(index)?;
        if slot.generation != generation {
            return None;
        }
        let entry = slot.entry.take()?;
        slot.generation = slot.generation.wrapping_add(4);
        self.free.push_back(index as u32);
        Some(entry)
    }

    /// Every name in use, in index order.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (u32, &Entry)> {
        self.slots.iter().enumerate().filter_map(|(index, slot)| {
            let entry = slot.entry.as_ref()?;
            Some((((index as u32) << 8) | u32::from(slot.generation), entry))
        })
    }

    /// Every name in use.
    pub(crate) fn names(&self) -> Vec<u32> {
        self.iter().map(|(name, _)| name).collect()
    }
}
