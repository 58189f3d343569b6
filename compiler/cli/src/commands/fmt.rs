//! `cvl fmt`: the canonical layout, once the compiler has a parser and printer to do it with.

use crate::{EXIT_USAGE, FmtArgs};

pub fn run(args: FmtArgs) -> u8 {
    let _ = (args.paths, args.check);
    eprintln!("cvl fmt is not available yet: the formatter has not landed in this build");
    EXIT_USAGE
}
