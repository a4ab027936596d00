//! The spec as written: its serde model and the loader that reads the files.

pub mod callbacks;
pub mod load;
pub mod model;

pub use load::{LoadedGroup, Spec, load};
