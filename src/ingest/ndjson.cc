#include "ingest/ndjson.h"

namespace sluice {
namespace {

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r'; }

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && IsBlank(text.front())) text.remove_prefix(1);
  while (!text.empty() && IsBlank(text.back())) text.remove_suffix(1);
  return text;
}

}  // namespace

std::string LineTooLongMessage(uint64_t line, uint64_t max_post_bytes) {
  return "line " + std::to_string(line) + " exceeds the maximum post size of " +
         std::to_string(max_post_bytes) + " bytes";
}

LineOutcome ParseNdjsonLine(const AssembledLine& line, PostParser& parser,
                            const NdjsonLimits& limits, IngestBatch& out, LineError& error) {
  const std::string_view post = TrimBlanks(line.text);
  if (line.too_long || post.size() > limits.max_post_bytes) {
    error = LineError{line.number, LineTooLongMessage(line.number, limits.max_post_bytes)};
    return LineOutcome::kRejected;
  }
  if (post.empty()) return LineOutcome::kBlank;

  // Trimming only moves the end backwards, so what followed the line is still readable.
  const size_t readable_after = line.readable_after + size_t(line.text.end() - post.end());
  Result<uint64_t> id =
      readable_after >= PostParser::kPadding ? parser.ParseIdPadded(post) : parser.ParseId(post);
  if (!id.ok()) {
    error = LineError{line.number, id.status().message()};
    return LineOutcome::kRejected;
  }
  out.Add(*id, post);
  return LineOutcome::kAccepted;
}

NdjsonResult ParseNdjson(std::string_view body, PostParser& parser, IngestBatch& out,
                         const NdjsonLimits& limits) {
  // One allocation for the bytes rather than growth steps (counting lines to size `posts` too
  // would cost a pass over the body; its growth is cheap).
  out.data.reserve(out.data.size() + body.size());

  NdjsonResult result;
  // +1: the line limit applies to the post, a trailing '\r' is not part of it.
  LineAssembler assembler(limits.max_post_bytes + 1);
  assembler.Feed(body);
  assembler.Finish();
  LineError error;
  while (std::optional<AssembledLine> line = assembler.Next()) {
    switch (ParseNdjsonLine(*line, parser, limits, out, error)) {
      case LineOutcome::kBlank:
        break;
      case LineOutcome::kAccepted:
        ++result.accepted;
        break;
      case LineOutcome::kRejected:
        ++result.rejected;
        if (result.errors.size() < limits.max_reported_errors) {
          result.errors.push_back(std::move(error));
        }
        break;
    }
  }
  return result;
}

}  // namespace sluice
