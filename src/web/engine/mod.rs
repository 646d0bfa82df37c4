//! The engine in a Web Worker: the messages both sides share, the page's handle on a worker,
//! and the worker's own side.

pub mod page;
pub mod protocol;
pub mod worker;
