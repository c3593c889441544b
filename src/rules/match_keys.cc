#include "rules/match_keys.h"

#include "post/text_tokens.h"

namespace sluice::rules {

std::string FoldValue(std::string_view text) { return FoldCase(text); }

}  // namespace sluice::rules
