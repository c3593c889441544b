#include "ingest/file_source.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <memory>

#include "ingest/line_assembler.h"

namespace sluice {
namespace {

// Closes the file on every return path; standard input is left open.
class InputFile {
 public:
  explicit InputFile(int fd, bool owned) : fd_(fd), owned_(owned) {}
  ~InputFile() {
    if (owned_ && fd_ >= 0) ::close(fd_);
  }
  InputFile(const InputFile&) = delete;  // would close the descriptor twice
  InputFile& operator=(const InputFile&) = delete;
  int fd() const { return fd_; }

 private:
  const int fd_;
  const bool owned_;
};

std::string Describe(const std::string& path_or_dash) {
  return path_or_dash == "-" ? std::string("standard input") : "'" + path_or_dash + "'";
}

}  // namespace

Result<FileIngestStats> IngestNdjsonFile(const std::string& path_or_dash, PostParser& parser,
                                         IngestSink& sink, const NdjsonLimits& limits,
                                         std::function<void(const LineError&)> on_error) {
  const bool is_stdin = path_or_dash == "-";
  const int fd = is_stdin ? STDIN_FILENO : ::open(path_or_dash.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    return Status::IoError("cannot open " + Describe(path_or_dash) + ": " + std::strerror(errno));
  }
  InputFile file(fd, !is_stdin);

  FileIngestStats stats;
  IngestBatch batch;
  const auto submit = [&]() -> Status {
    if (batch.empty()) return Status::Ok();
    const size_t posts = batch.size();
    Status status = sink.Submit(std::move(batch));
    batch = IngestBatch();
    if (!status.ok()) {
      return Status(status.code(), "ingest of " + Describe(path_or_dash) + " stopped after " +
                                       std::to_string(stats.accepted - posts) +
                                       " posts: " + status.message());
    }
    ++stats.batches;
    return Status::Ok();
  };
  const auto handle = [&](const AssembledLine& line) -> Status {
    LineError error;
    switch (ParseNdjsonLine(line, parser, limits, batch, error)) {
      case LineOutcome::kBlank:
        return Status::Ok();
      case LineOutcome::kRejected:
        ++stats.rejected;
        if (on_error) on_error(error);
        return Status::Ok();
      case LineOutcome::kAccepted:
        ++stats.accepted;
        if (batch.size() >= kFileBatchMaxPosts || batch.data.size() >= kFileBatchMaxBytes) {
          return submit();
        }
        return Status::Ok();
    }
    return Status::Ok();
  };

  // The padding after the chunk lets simdjson parse lines in place (PostParser::kPadding).
  const auto buffer = std::make_unique<char[]>(kFileReadChunkBytes + PostParser::kPadding);
  LineAssembler assembler(limits.max_post_bytes + 1);  // + 1: a '\r' before the '\n'
  while (true) {
    const ssize_t n = ::read(file.fd(), buffer.get(), kFileReadChunkBytes);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IoError("cannot read " + Describe(path_or_dash) + ": " + std::strerror(errno));
    }
    if (n == 0) break;
    stats.bytes_read += static_cast<uint64_t>(n);
    assembler.Feed(std::string_view(buffer.get(), static_cast<size_t>(n)), PostParser::kPadding);
    while (std::optional<AssembledLine> line = assembler.Next()) {
      SLUICE_RETURN_IF_ERROR(handle(*line));
    }
  }
  assembler.Finish();
  while (std::optional<AssembledLine> line = assembler.Next()) {
    SLUICE_RETURN_IF_ERROR(handle(*line));
  }
  SLUICE_RETURN_IF_ERROR(submit());
  return stats;
}

}  // namespace sluice
