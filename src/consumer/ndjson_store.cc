#include "consumer/ndjson_store.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <ctime>
#include <iterator>
#include <queue>
#include <system_error>
#include <tuple>
#include <utility>

#include "base/time_format.h"
#include "base/unique_fd.h"

namespace sluice::consumer {
namespace {

constexpr int64_t kHourMs = 3'600'000;
constexpr char kPostsExtension[] = ".ndjson";
constexpr char kIndexExtension[] = ".index";
constexpr char kCheckpointName[] = "checkpoint";
constexpr char kCheckpointTempName[] = "checkpoint.tmp";
constexpr size_t kOpenHoursKept = 2;  // the hour in progress and the one before

Status ErrnoError(std::string_view what, const std::filesystem::path& path, int error = errno) {
  return Status::IoError("ndjson store: " + std::string(what) + " " + path.string() + ": " +
                         std::strerror(error));
}

Result<UniqueFd> OpenFile(const std::filesystem::path& path, int flags) {
  UniqueFd fd(open(path.c_str(), flags | O_CLOEXEC, 0644));
  if (!fd.valid()) return ErrnoError("open", path);
  return fd;
}

Result<uint64_t> SizeOf(int fd, const std::filesystem::path& path) {
  struct stat st;
  if (fstat(fd, &st) != 0) return ErrnoError("stat", path);
  return static_cast<uint64_t>(st.st_size);
}

Status WriteAt(int fd, std::string_view bytes, uint64_t offset, const std::filesystem::path& path) {
  while (!bytes.empty()) {
    const ssize_t n = pwrite(fd, bytes.data(), bytes.size(), static_cast<off_t>(offset));
    if (n < 0) {
      if (errno == EINTR) continue;
      return ErrnoError("write", path);
    }
    bytes.remove_prefix(static_cast<size_t>(n));
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status ReadAt(int fd, char* out, size_t size, uint64_t offset, const std::filesystem::path& path) {
  while (size > 0) {
    const ssize_t n = pread(fd, out, size, static_cast<off_t>(offset));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return ErrnoError("read", path);
    if (n == 0) return Status::IoError("ndjson store: short read of " + path.string());
    out += n;
    size -= static_cast<size_t>(n);
    offset += static_cast<uint64_t>(n);
  }
  return Status::Ok();
}

Status SyncDir(const std::filesystem::path& dir) {
  Result<UniqueFd> fd = OpenFile(dir, O_RDONLY | O_DIRECTORY);
  if (!fd.ok()) return fd.status();
  if (fsync(fd->get()) != 0) return ErrnoError("fsync", dir);
  return Status::Ok();
}

// One index line: "ID RECEIVED_MS END".
bool ParseIndexLine(std::string_view line, NdjsonStore::IndexEntry* entry) {
  const char* p = line.data();
  const char* end = p + line.size();
  auto r = std::from_chars(p, end, entry->id);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ' ') return false;
  r = std::from_chars(r.ptr + 1, end, entry->received_ms);
  if (r.ec != std::errc() || r.ptr == end || *r.ptr != ' ') return false;
  r = std::from_chars(r.ptr + 1, end, entry->end);
  return r.ec == std::errc() && r.ptr == end;
}

void AppendIndexLine(const ReceivedPost& post, uint64_t end, std::string* out) {
  fmt::format_to(std::back_inserter(*out), "{} {} {}\n", post.id, post.received_ms, end);
}

// The index entries of the complete lines of `bytes` and, in `line_ends`, where each ends.
// A complete line that does not parse, or ends that do not grow, are corruption; a last line
// without "\n" is a torn tail and ignored.
Status ParseIndex(std::string_view bytes, const std::filesystem::path& path,
                  std::vector<NdjsonStore::IndexEntry>* entries, std::vector<uint64_t>* line_ends) {
  size_t start = 0;
  while (true) {
    const size_t newline = bytes.find('\n', start);
    if (newline == std::string_view::npos) break;
    NdjsonStore::IndexEntry entry;
    if (!ParseIndexLine(bytes.substr(start, newline - start), &entry) ||
        (!entries->empty() && entry.end <= entries->back().end)) {
      return Status::Corruption("ndjson store: bad index line at offset " + std::to_string(start) +
                                " of " + path.string());
    }
    entries->push_back(entry);
    if (line_ends) line_ends->push_back(newline + 1);
    start = newline + 1;
  }
  return Status::Ok();
}

Result<std::string> ReadWhole(int fd, const std::filesystem::path& path) {
  Result<uint64_t> size = SizeOf(fd, path);
  if (!size.ok()) return size.status();
  std::string bytes(*size, '\0');
  SLUICE_RETURN_IF_ERROR(ReadAt(fd, bytes.data(), bytes.size(), 0, path));
  return bytes;
}

// "posts-2026112310.ndjson" -> the hour's start in ms; nullopt for any other name.
std::optional<int64_t> HourOfFileName(std::string_view name) {
  constexpr std::string_view kPrefix = "posts-";
  constexpr size_t kDigits = 10;
  if (name.size() != kPrefix.size() + kDigits + std::strlen(kPostsExtension) ||
      !name.starts_with(kPrefix) || !name.ends_with(kPostsExtension)) {
    return std::nullopt;
  }
  const std::string_view digits = name.substr(kPrefix.size(), kDigits);
  if (!std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  auto number = [&](size_t pos, size_t len) {
    int value = 0;
    std::from_chars(digits.data() + pos, digits.data() + pos + len, value);
    return value;
  };
  std::tm tm{};
  tm.tm_year = number(0, 4) - 1900;
  tm.tm_mon = number(4, 2) - 1;
  tm.tm_mday = number(6, 2);
  tm.tm_hour = number(8, 2);
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

}  // namespace

struct NdjsonStore::HourFile {
  UniqueFd posts;
  UniqueFd index;
  uint64_t posts_size = 0;
  uint64_t index_size = 0;
};

NdjsonStore::NdjsonStore(std::filesystem::path dir, NdjsonStoreOptions options)
    : dir_(std::move(dir)), options_(options) {}

NdjsonStore::~NdjsonStore() = default;

std::string NdjsonStore::HourFileStem(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(UtcHourStartMs(unix_ms) / 1000);
  std::tm tm{};
  gmtime_r(&seconds, &tm);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "posts-%Y%m%d%H", &tm);
  return buffer;
}

std::filesystem::path NdjsonStore::PathOf(int64_t hour_ms, const char* extension) const {
  return dir_ / (HourFileStem(hour_ms) + extension);
}

Result<std::unique_ptr<NdjsonStore>> NdjsonStore::Open(const std::filesystem::path& dir,
                                                       const NdjsonStoreOptions& options) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error)
    return Status::IoError("ndjson store: cannot create " + dir.string() + ": " + error.message());
  std::unique_ptr<NdjsonStore> store(new NdjsonStore(dir, options));
  SLUICE_RETURN_IF_ERROR(store->LoadRecentIds());
  return store;
}

Result<std::vector<int64_t>> NdjsonStore::ListHours() const {
  std::vector<int64_t> hours;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir_, error)) {
    if (auto hour = HourOfFileName(entry.path().filename().string())) hours.push_back(*hour);
  }
  if (error)
    return Status::IoError("ndjson store: cannot list " + dir_.string() + ": " + error.message());
  std::sort(hours.begin(), hours.end());
  return hours;
}

Status NdjsonStore::LoadRecentIds() {
  Result<std::vector<int64_t>> hours = ListHours();
  if (!hours.ok()) return hours.status();
  if (hours->empty()) return Status::Ok();
  const int64_t oldest = hours->back() - (options_.dedup_hours - 1) * kHourMs;
  for (int64_t hour : *hours) {
    if (hour < oldest) continue;
    Result<HourFile*> file = OpenHour(hour);  // repairs the tails and loads the ids
    if (!file.ok()) return file.status();
    while (open_hours_.size() > kOpenHoursKept) open_hours_.erase(open_hours_.begin());
  }
  return Status::Ok();
}

Result<NdjsonStore::HourFile*> NdjsonStore::OpenHour(int64_t hour_ms) {
  if (auto it = open_hours_.find(hour_ms); it != open_hours_.end()) return it->second.get();
  const std::filesystem::path posts_path = PathOf(hour_ms, kPostsExtension);
  const std::filesystem::path index_path = PathOf(hour_ms, kIndexExtension);
  std::error_code error;
  const bool posts_existed = std::filesystem::exists(posts_path, error);
  const bool index_existed = std::filesystem::exists(index_path, error);
  if (posts_existed && !index_existed && std::filesystem::file_size(posts_path, error) > 0) {
    return Status::Corruption("ndjson store: " + posts_path.string() + " has no " +
                              index_path.filename().string());
  }
  auto file = std::make_unique<HourFile>();
  Result<UniqueFd> posts = OpenFile(posts_path, O_RDWR | O_CREAT);
  if (!posts.ok()) return posts.status();
  Result<UniqueFd> index = OpenFile(index_path, O_RDWR | O_CREAT);
  if (!index.ok()) return index.status();
  file->posts = std::move(*posts);
  file->index = std::move(*index);
  // New names are made durable before any line is written into them.
  if (!posts_existed || !index_existed) SLUICE_RETURN_IF_ERROR(SyncDir(dir_));

  Result<std::string> index_bytes = ReadWhole(file->index.get(), index_path);
  if (!index_bytes.ok()) return index_bytes.status();
  std::vector<IndexEntry> entries;
  std::vector<uint64_t> line_ends;
  SLUICE_RETURN_IF_ERROR(ParseIndex(*index_bytes, index_path, &entries, &line_ends));
  Result<uint64_t> posts_size = SizeOf(file->posts.get(), posts_path);
  if (!posts_size.ok()) return posts_size.status();
  // Keep the lines both files hold in full; the rest was never acknowledged.
  while (!entries.empty()) {
    const uint64_t end = entries.back().end;
    char last = 0;
    if (end <= *posts_size) {
      SLUICE_RETURN_IF_ERROR(ReadAt(file->posts.get(), &last, 1, end - 1, posts_path));
    }
    if (last == '\n') break;
    entries.pop_back();
    line_ends.pop_back();
  }
  file->posts_size = entries.empty() ? 0 : entries.back().end;
  file->index_size = line_ends.empty() ? 0 : line_ends.back();
  if (*posts_size != file->posts_size || index_bytes->size() != file->index_size) {
    if (ftruncate(file->posts.get(), static_cast<off_t>(file->posts_size)) != 0) {
      return ErrnoError("truncate", posts_path);
    }
    if (ftruncate(file->index.get(), static_cast<off_t>(file->index_size)) != 0) {
      return ErrnoError("truncate", index_path);
    }
    if (fdatasync(file->posts.get()) != 0) return ErrnoError("fdatasync", posts_path);
    if (fdatasync(file->index.get()) != 0) return ErrnoError("fdatasync", index_path);
  }
  for (const IndexEntry& entry : entries) ids_.insert(entry.id);
  HourFile* raw = file.get();
  open_hours_.emplace(hour_ms, std::move(file));
  return raw;
}

Result<CommitResult> NdjsonStore::Commit(const CommitBatch& batch) {
  if (poisoned_) {
    return Status::IoError("ndjson store " + dir_.string() +
                           ": an earlier fdatasync failed; reopen the store");
  }
  for (const ReceivedPost& post : batch.posts) {
    if (post.body.find('\n') != std::string::npos) {
      return Status::InvalidArgument("ndjson store cannot hold post " + std::to_string(post.id) +
                                     ": its body contains a newline");
    }
  }
  struct Pending {
    HourFile* file = nullptr;
    std::string posts;
    std::string index;
  };
  std::map<int64_t, Pending> pending;
  CommitResult result;
  result.inserted.assign(batch.posts.size(), 0);
  std::unordered_set<uint64_t> batch_ids;
  for (size_t i = 0; i < batch.posts.size(); ++i) {
    const ReceivedPost& post = batch.posts[i];
    if (ids_.contains(post.id) || !batch_ids.insert(post.id).second) continue;
    const int64_t hour = UtcHourStartMs(post.received_ms);
    Pending& out = pending[hour];
    if (!out.file) {
      Result<HourFile*> file = OpenHour(hour);
      if (!file.ok()) return file.status();
      out.file = *file;
    }
    out.posts.append(post.body);
    out.posts.push_back('\n');
    AppendIndexLine(post, out.file->posts_size + out.posts.size(), &out.index);
    result.inserted[i] = 1;
    ++result.inserted_count;
  }
  // Bodies before their index lines, so an index line never describes bytes not on disk.
  for (auto& [hour, out] : pending) {
    const std::filesystem::path path = PathOf(hour, kPostsExtension);
    Status written = WriteAt(out.file->posts.get(), out.posts, out.file->posts_size, path);
    if (!written.ok()) {
      // Unacknowledged bytes would be duplicated by the retry: cut them off again.
      for (auto& [unused, undo] : pending) {
        if (ftruncate(undo.file->posts.get(), static_cast<off_t>(undo.file->posts_size)) != 0) {
          poisoned_ = true;
        }
      }
      return written;
    }
  }
  for (auto& [hour, out] : pending) {
    if (fdatasync(out.file->posts.get()) != 0) {
      poisoned_ = true;
      return ErrnoError("fdatasync", PathOf(hour, kPostsExtension));
    }
  }
  for (auto& [hour, out] : pending) {
    const std::filesystem::path path = PathOf(hour, kIndexExtension);
    Status written = WriteAt(out.file->index.get(), out.index, out.file->index_size, path);
    if (written.ok() && fdatasync(out.file->index.get()) != 0) {
      written = ErrnoError("fdatasync", path);
    }
    if (!written.ok()) {
      // Some index files may hold their lines, others not: only a reopen sorts that out.
      poisoned_ = true;
      return written;
    }
  }
  for (auto& [hour, out] : pending) {
    out.file->posts_size += out.posts.size();
    out.file->index_size += out.index.size();
  }
  for (size_t i = 0; i < batch.posts.size(); ++i) {
    if (result.inserted[i]) ids_.insert(batch.posts[i].id);
  }
  while (open_hours_.size() > kOpenHoursKept) open_hours_.erase(open_hours_.begin());
  if (batch.checkpoint) SLUICE_RETURN_IF_ERROR(WriteCheckpoint(*batch.checkpoint));
  return result;
}

Status NdjsonStore::WriteCheckpoint(const std::string& checkpoint) {
  const std::filesystem::path temp = dir_ / kCheckpointTempName;
  {
    Result<UniqueFd> fd = OpenFile(temp, O_WRONLY | O_CREAT | O_TRUNC);
    if (!fd.ok()) return fd.status();
    SLUICE_RETURN_IF_ERROR(WriteAt(fd->get(), checkpoint, 0, temp));
    if (fsync(fd->get()) != 0) return ErrnoError("fsync", temp);
  }
  if (rename(temp.c_str(), (dir_ / kCheckpointName).c_str()) != 0) {
    return ErrnoError("rename", temp);
  }
  return SyncDir(dir_);
}

Result<std::optional<std::string>> NdjsonStore::LoadCheckpoint() {
  const std::filesystem::path path = dir_ / kCheckpointName;
  UniqueFd fd(open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return std::optional<std::string>();
    return ErrnoError("open", path);
  }
  Result<std::string> bytes = ReadWhole(fd.get(), path);
  if (!bytes.ok()) return bytes.status();
  return std::optional<std::string>(std::move(*bytes));
}

Result<NdjsonStore::CachedIndex> NdjsonStore::LoadIndex(int64_t hour_ms) const {
  const std::filesystem::path index_path = PathOf(hour_ms, kIndexExtension);
  const std::filesystem::path posts_path = PathOf(hour_ms, kPostsExtension);
  CachedIndex index;
  std::error_code error;
  index.posts_bytes = std::filesystem::file_size(posts_path, error);
  if (error)
    return Status::IoError("ndjson store: stat " + posts_path.string() + ": " + error.message());
  UniqueFd fd(open(index_path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) {
    if (errno == ENOENT) return index;
    return ErrnoError("open", index_path);
  }
  Result<std::string> bytes = ReadWhole(fd.get(), index_path);
  if (!bytes.ok()) return bytes.status();
  index.index_bytes = bytes->size();
  SLUICE_RETURN_IF_ERROR(ParseIndex(*bytes, index_path, &index.entries, nullptr));
  // A file not repaired yet (outside the de-duplication window) may have a torn tail.
  while (!index.entries.empty() && index.entries.back().end > index.posts_bytes) {
    index.entries.pop_back();
  }
  return index;
}

Result<const NdjsonStore::CachedIndex*> NdjsonStore::CachedIndexOf(int64_t hour_ms) {
  std::error_code error;
  const uint64_t index_bytes = std::filesystem::file_size(PathOf(hour_ms, kIndexExtension), error);
  const uint64_t posts_bytes = std::filesystem::file_size(PathOf(hour_ms, kPostsExtension), error);
  auto it = read_cache_.find(hour_ms);
  if (it != read_cache_.end() && it->second.index_bytes == index_bytes &&
      it->second.posts_bytes == posts_bytes) {
    return &it->second;
  }
  Result<CachedIndex> index = LoadIndex(hour_ms);
  if (!index.ok()) return index.status();
  CachedIndex& slot = read_cache_[hour_ms];
  slot = std::move(*index);
  return &slot;
}

Result<std::vector<ReceivedPost>> NdjsonStore::ReadRange(int64_t from_ms, int64_t to_ms,
                                                         size_t limit) {
  std::vector<ReceivedPost> posts;
  if (limit == 0 || from_ms >= to_ms) return posts;
  Result<std::vector<int64_t>> hours = ListHours();
  if (!hours.ok()) return hours.status();
  // The `limit` first lines by (received_ms, hour, line): a max-heap of the best so far.
  struct Candidate {
    int64_t received_ms;
    int64_t hour;
    size_t line;
    bool operator<(const Candidate& other) const {
      return std::tie(received_ms, hour, line) <
             std::tie(other.received_ms, other.hour, other.line);
    }
  };
  std::priority_queue<Candidate> best;
  std::map<int64_t, const CachedIndex*> used;
  for (int64_t hour : *hours) {
    // received_ms of a line may lie outside its file's hour only if the hour was computed from
    // it, so a file can hold a line of the range only if its hour overlaps the range.
    if (hour + kHourMs <= from_ms || hour >= to_ms) continue;
    Result<const CachedIndex*> index = CachedIndexOf(hour);
    if (!index.ok()) return index.status();
    used[hour] = *index;
    const std::vector<IndexEntry>& entries = (*index)->entries;
    for (size_t line = 0; line < entries.size(); ++line) {
      const int64_t ms = entries[line].received_ms;
      if (ms < from_ms || ms >= to_ms) continue;
      const Candidate candidate{ms, hour, line};
      if (best.size() < limit) {
        best.push(candidate);
      } else if (candidate < best.top()) {
        best.pop();
        best.push(candidate);
      }
    }
  }
  std::erase_if(read_cache_, [&](const auto& entry) { return !used.contains(entry.first); });
  std::vector<Candidate> chosen;
  chosen.reserve(best.size());
  while (!best.empty()) {
    chosen.push_back(best.top());
    best.pop();
  }
  std::reverse(chosen.begin(), chosen.end());
  posts.reserve(chosen.size());
  int64_t open_hour = 0;
  UniqueFd fd;
  for (const Candidate& candidate : chosen) {
    const std::filesystem::path path = PathOf(candidate.hour, kPostsExtension);
    if (!fd.valid() || open_hour != candidate.hour) {
      Result<UniqueFd> opened = OpenFile(path, O_RDONLY);
      if (!opened.ok()) return opened.status();
      fd = std::move(*opened);
      open_hour = candidate.hour;
    }
    const std::vector<IndexEntry>& entries = used[candidate.hour]->entries;
    const IndexEntry& entry = entries[candidate.line];
    const uint64_t start = candidate.line == 0 ? 0 : entries[candidate.line - 1].end;
    ReceivedPost& post = posts.emplace_back();
    post.id = entry.id;
    post.received_ms = entry.received_ms;
    post.body.resize(entry.end - start - 1);  // without the "\n"
    SLUICE_RETURN_IF_ERROR(ReadAt(fd.get(), post.body.data(), post.body.size(), start, path));
  }
  return posts;
}

Result<uint64_t> NdjsonStore::CountPosts() {
  Result<std::vector<int64_t>> hours = ListHours();
  if (!hours.ok()) return hours.status();
  uint64_t count = 0;
  for (int64_t hour : *hours) {
    Result<CachedIndex> index = LoadIndex(hour);
    if (!index.ok()) return index.status();
    count += index->entries.size();
  }
  return count;
}

}  // namespace sluice::consumer
