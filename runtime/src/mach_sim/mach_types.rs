//! Mirror of `mach2::mach_types` (`mach/mach_types.h`): every kernel object
//! is named by a port.
#![allow(non_camel_case_types, missing_docs)]

use super::port::mach_port_t;

pub type task_t = mach_port_t;
pub type task_name_t = mach_port_t;
pub type task_inspect_t = mach_port_t;
pub type task_read_t = mach_port_t;
pub type thread_t = mach_port_t;
pub type thread_act_t = mach_port_t;
pub type ipc_space_t = mach_port_t;
pub type ipc_space_read_t = mach_port_t;
pub type ipc_space_inspect_t = mach_port_t;
pub type host_t = mach_port_t;
pub type host_priv_t = mach_port_t;
pub type semaphore_t = mach_port_t;
pub type bootstrap_t = mach_port_t;
pub type mem_entry_name_port_t = mach_port_t;
pub type vm_task_entry_t = mach_port_t;

pub type task_array_t = *mut task_t;
pub type thread_array_t = *mut thread_t;
pub type thread_act_array_t = *mut thread_act_t;

pub type task_port_t = task_t;
pub type thread_port_t = thread_t;
pub type ipc_space_port_t = ipc_space_t;

pub const TASK_NULL: task_t = 0;
pub const TASK_NAME_NULL: task_name_t = 0;
pub const TASK_INSPECT_NULL: task_inspect_t = 0;
pub const TASK_READ_NULL: task_read_t = 0;
pub const THREAD_NULL: thread_t = 0;
pub const THR_ACT_NULL: thread_act_t = 0;
pub const IPC_SPACE_NULL: ipc_space_t = 0;
pub const IPC_SPACE_READ_NULL: ipc_space_read_t = 0;
pub const IPC_SPACE_INSPECT_NULL: ipc_space_inspect_t = 0;
pub const HOST_NULL: host_t = 0;
pub const HOST_PRIV_NULL: host_priv_t = 0;
pub const SEMAPHORE_NULL: semaphore_t = 0;
