//! The PNML grammars this reader knows, named as a `<net>`'s `type`.

/// The P/T net type of the 2009 grammar.
pub const PTNET_TYPE: &str = "http://www.pnml.org/version-2009/grammar/ptnet";

/// The symmetric (coloured) net type of the 2009 grammar.
pub const SYMMETRIC_TYPE: &str = "http://www.pnml.org/version-2009/grammar/symmetricnet";
