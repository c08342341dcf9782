//! `sesphr view`'s page: a net drawn as SVG with a trace stepper and its
//! reachability graph, as one self-contained HTML file.

pub mod graphviz;
pub mod layout;
pub mod page;
pub mod picture;
pub mod replay;
pub mod svg;
pub mod trace;
