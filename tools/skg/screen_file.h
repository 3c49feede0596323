// tools/skg/screen_file.h: `screen-file FILE`, batch screening of a counterparty file, and the
// pieces it shares with `screen` (options from flags, a hit as JSON, a hit's explanation).
#pragma once
#include <string>

#include "commands.h"
#include "render.h"
#include "skg/queries/screen_query.h"

namespace skg::shell {

/// `screen-file FILE [--out FILE] [filters]`: one output row per input row (CSV, or JSON lines
/// with --json), two threads, a progress bar on a terminal, a summary on stderr.
int run_screen_file(Context& context, const Args& args);

/// ScreenOptions and the query's evidence from `screen`'s flags (--limit, --listed, --schema,
/// --authority, --list, --program, --dob, --country, --gender, --id). Throws UsageError.
void screen_request(const Args& args, Date date, ScreenOptions& options, ScreenQuery& query);

/// Why a hit matched, in one line: the identifier, the word pairs, the unmatched query words,
/// then each piece of evidence with its effect on the score.
std::string screen_why(const ScreenHit& hit);

}  // namespace skg::shell
