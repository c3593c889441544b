#include "stream/usage_ledger.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <iterator>
#include <limits>
#include <utility>

#include "archive/coding.h"
#include "archive/crc.h"
#include "archive/durable_file.h"
#include "archive/file_names.h"
#include "base/time_format.h"
#include "config/config_limits.h"

namespace sluice {

// The snapshot's layout; docs/usage.md ("Snapshot file") is its spec. Reader and writer are both
// in this file, so the constants live here rather than in a shared header.
namespace {

constexpr char kMagic[8] = {'S', 'L', 'U', 'I', 'C', 'E', 'U', 'L'};
constexpr uint32_t kVersion = 1;
constexpr size_t kHeaderBytes = 24;  // magic 8, crc32 4, version 4, body length 8
constexpr size_t kCrcOffset = 8;
constexpr size_t kVersionOffset = 12;
constexpr size_t kLengthOffset = 16;
constexpr int64_t kNoHighWater = std::numeric_limits<int64_t>::min();
constexpr int64_t kMaxRetainedHours = int64_t{100} * 366 * 24;

[[noreturn]] void Fatal(const char* what) {
  std::fprintf(stderr, "sluice::UsageLedger: %s\n", what);
  std::abort();
}

int64_t HourOf(int64_t ms) { return ms <= 0 ? 0 : UtcHourStartMs(ms); }

void PutShortString(std::string& out, std::string_view text) {
  out.push_back(static_cast<char>(text.size()));
  out.append(text);
}

// Reads the body front to back; every read checks the remaining size, so a malformed body ends
// in Corruption, never in a read past the end.
class BodyReader {
 public:
  explicit BodyReader(std::string_view body) : rest_(body) {}

  bool Fixed32(uint32_t& value) {
    if (rest_.size() < 4) return false;
    value = archive::DecodeFixed32(rest_.data());
    rest_.remove_prefix(4);
    return true;
  }
  bool Fixed64(uint64_t& value) {
    if (rest_.size() < 8) return false;
    value = archive::DecodeFixed64(rest_.data());
    rest_.remove_prefix(8);
    return true;
  }
  bool Byte(uint8_t& value) {
    if (rest_.empty()) return false;
    value = static_cast<uint8_t>(rest_.front());
    rest_.remove_prefix(1);
    return true;
  }
  bool ShortString(std::string& text) {
    uint8_t size;
    if (!Byte(size) || rest_.size() < size) return false;
    text.assign(rest_.substr(0, size));
    rest_.remove_prefix(size);
    return true;
  }
  std::string_view& rest() { return rest_; }

 private:
  std::string_view rest_;
};

Status BadBody(std::string_view what) {
  return Status::Corruption("malformed content: " + std::string(what));
}

bool ValidName(std::string_view name) { return !name.empty() && name.size() <= kMaxNameChars; }

}  // namespace

struct UsageLedger::StreamUsage {
  std::string account;
  std::string label;
  std::string kind;
  std::vector<DeliveredSet> channels;
  std::map<int64_t, uint64_t> hours;  // hour_ms -> distinct posts; no zero entries
  bool registered = false;            // claimed by ForStream in this process
};

UsageLedger::UsageLedger() : UsageLedger(Options()) {}

UsageLedger::UsageLedger(Options options) : options_(options) {
  options_.retained_hours = std::clamp<int64_t>(options_.retained_hours, 1, kMaxRetainedHours);
}

UsageLedger::~UsageLedger() = default;

Result<UsageLedger::StreamUsage*> UsageLedger::ForStream(std::string_view account,
                                                         std::string_view label,
                                                         std::string_view kind, int channels) {
  if (!ValidName(account) || !ValidName(label)) {
    return Status::InvalidArgument("usage ledger: account and label must have 1 to " +
                                   std::to_string(kMaxNameChars) + " characters");
  }
  if (kind.size() > kMaxKindChars) {
    return Status::InvalidArgument("usage ledger: stream kind longer than " +
                                   std::to_string(kMaxKindChars) + " characters");
  }
  if (channels < 1 || channels > kMaxChannels) {
    return Status::InvalidArgument("usage ledger: a stream has 1 or 2 channels, not " +
                                   std::to_string(channels));
  }
  auto& labels = accounts_[std::string(account)];
  auto it = labels.find(label);
  if (it == labels.end()) {
    auto stream = std::make_unique<StreamUsage>();
    stream->account = std::string(account);
    stream->label = std::string(label);
    it = labels.emplace(stream->label, std::move(stream)).first;
  }
  StreamUsage& stream = *it->second;
  stream.registered = true;
  stream.kind = std::string(kind);
  if (stream.channels.size() != static_cast<size_t>(channels)) {
    stream.channels.assign(channels, DeliveredSet(options_.max_intervals_per_channel));
  }
  any_registered_ = true;
  dirty_ = true;
  return &stream;
}

int64_t UsageLedger::HorizonHourMs() const {
  if (!has_high_water_) return std::numeric_limits<int64_t>::min();
  // high_water_hour_ms_ >= 0 and retained_hours is clamped, so this cannot overflow.
  return high_water_hour_ms_ - (options_.retained_hours - 1) * kHourMs;
}

void UsageLedger::Record(StreamUsage* stream, int channel, uint64_t cover_begin, uint64_t cover_end,
                         std::span<const uint64_t> seqs, int64_t hour_ms) {
  if (channel < 0 || static_cast<size_t>(channel) >= stream->channels.size()) {
    Fatal("Record: channel out of range");
  }
  dirty_ = true;
  const uint64_t fresh =
      stream->channels[static_cast<size_t>(channel)].AddAndCountNew(cover_begin, cover_end, seqs);
  if (fresh == 0) return;
  const int64_t hour = HourOf(hour_ms);
  auto& hours = stream->hours;
  // Live delivery adds to the newest bucket: O(1) through end().
  if (!hours.empty() && std::prev(hours.end())->first == hour) {
    std::prev(hours.end())->second += fresh;
    return;
  }
  if (!has_high_water_ || hour > high_water_hour_ms_) {
    has_high_water_ = true;
    high_water_hour_ms_ = hour;
  }
  const int64_t horizon = HorizonHourMs();
  if (hour < horizon) return;  // would be dropped at once
  hours[hour] += fresh;
  // Trimming when a bucket is created keeps each stream within the retention.
  while (hours.begin()->first < horizon) hours.erase(hours.begin());
}

void UsageLedger::ForgetDeliveriesBefore(uint64_t seq) {
  for (auto& [account, labels] : accounts_) {
    for (auto& [label, stream] : labels) {
      for (DeliveredSet& set : stream->channels) set.ForgetBefore(seq);
    }
  }
  dirty_ = true;
}

std::vector<UsageLedger::HourCount> UsageLedger::HoursOf(const StreamUsage& stream, int64_t from_ms,
                                                         int64_t to_ms) const {
  // Buckets past the horizon may linger until their stream creates a new one; clipping here
  // keeps answers independent of when trimming happened.
  from_ms = std::max(from_ms, HorizonHourMs());
  std::vector<HourCount> out;
  if (from_ms >= to_ms) return out;
  for (auto it = stream.hours.lower_bound(from_ms); it != stream.hours.end() && it->first < to_ms;
       ++it) {
    out.push_back({it->first, it->second});
  }
  return out;
}

std::vector<UsageLedger::HourCount> UsageLedger::Query(std::string_view account,
                                                       std::string_view label, int64_t from_ms,
                                                       int64_t to_ms) const {
  const auto labels = accounts_.find(account);
  if (labels == accounts_.end()) return {};
  const auto stream = labels->second.find(label);
  if (stream == labels->second.end()) return {};
  return HoursOf(*stream->second, from_ms, to_ms);
}

std::vector<UsageLedger::StreamRows> UsageLedger::QueryAccount(std::string_view account,
                                                               int64_t from_ms,
                                                               int64_t to_ms) const {
  std::vector<StreamRows> out;
  const auto labels = accounts_.find(account);
  if (labels == accounts_.end()) return out;
  for (const auto& [label, stream] : labels->second) {
    out.push_back({label, stream->kind, HoursOf(*stream, from_ms, to_ms)});
  }
  return out;
}

std::string UsageLedger::Serialize() {
  const int64_t horizon = HorizonHourMs();
  // REQUIRES: !stream.hours.empty().
  auto newest_hour = [](const StreamUsage& stream) { return std::prev(stream.hours.end())->first; };
  std::vector<const StreamUsage*> kept;
  std::vector<const StreamUsage*> retired;
  for (const auto& [account, labels] : accounts_) {
    for (const auto& [label, stream] : labels) {
      if (stream->registered) {
        kept.push_back(stream.get());
      } else if (!stream->hours.empty() && newest_hour(*stream) >= horizon) {
        retired.push_back(stream.get());
      }
    }
  }
  // A retired stream has nothing but history to offer: keep those with the most recent use.
  if (retired.size() > options_.max_retired_streams) {
    std::stable_sort(retired.begin(), retired.end(), [&](const auto* a, const auto* b) {
      return newest_hour(*a) > newest_hour(*b);
    });
    retired.resize(options_.max_retired_streams);
  }
  kept.insert(kept.end(), retired.begin(), retired.end());

  std::string out(kHeaderBytes, '\0');
  archive::PutFixed64(out, has_high_water_ ? static_cast<uint64_t>(high_water_hour_ms_)
                                           : static_cast<uint64_t>(kNoHighWater));
  archive::PutFixed32(out, static_cast<uint32_t>(kept.size()));
  for (const StreamUsage* stream : kept) {
    PutShortString(out, stream->account);
    PutShortString(out, stream->label);
    PutShortString(out, stream->kind);
    out.push_back(static_cast<char>(stream->channels.size()));
    for (const DeliveredSet& set : stream->channels) set.EncodeTo(out);
    const auto first = stream->hours.lower_bound(horizon);
    archive::PutFixed32(out, static_cast<uint32_t>(std::distance(first, stream->hours.end())));
    for (auto it = first; it != stream->hours.end(); ++it) {
      archive::PutFixed64(out, static_cast<uint64_t>(it->first));
      archive::PutFixed64(out, it->second);
    }
  }
  std::copy(std::begin(kMagic), std::end(kMagic), out.begin());
  archive::EncodeFixed32(out.data() + kVersionOffset, kVersion);
  archive::EncodeFixed64(out.data() + kLengthOffset, out.size() - kHeaderBytes);
  archive::EncodeFixed32(out.data() + kCrcOffset,
                         archive::Crc32(out.data() + kVersionOffset, out.size() - kVersionOffset));
  dirty_ = false;
  return out;
}

Status UsageLedger::WriteSnapshot(archive::FileSystem& fs, const std::filesystem::path& path,
                                  std::string_view bytes) {
  const std::filesystem::path dir = path.has_parent_path() ? path.parent_path() : ".";
  const std::string name = path.filename().string();
  Status written = archive::WriteFileDurably(&fs, dir, name, bytes);
  // A failed write leaves `<name>.tmp` behind; nobody else cleans it, so do it here (best
  // effort: the error to report is the write's).
  if (!written.ok()) (void)archive::RemoveIfPresent(&fs, dir / archive::TempFileName(name));
  return written;
}

Status UsageLedger::Load(archive::FileSystem& fs, const std::filesystem::path& path) {
  if (any_registered_) {
    return Status::FailedPrecondition("usage ledger: Load after ForStream");
  }
  auto file = fs.NewRandomAccessFile(path);
  if (!file.ok()) return file.status();
  auto size = (*file)->Size();
  if (!size.ok()) return size.status();
  const std::string where = path.string() + ": usage snapshot: ";
  if (*size > kMaxSnapshotBytes) {
    return Status::Corruption(where + "file of " + std::to_string(*size) +
                              " bytes is larger than the limit of " +
                              std::to_string(kMaxSnapshotBytes));
  }
  std::string bytes(static_cast<size_t>(*size), '\0');
  size_t done = 0;
  while (done < bytes.size()) {
    auto read = (*file)->Read(done, bytes.size() - done, bytes.data() + done);
    if (!read.ok()) return read.status();
    if (*read == 0) break;  // shrank under us: the length check below reports it
    done += *read;
  }
  bytes.resize(done);
  if (Status decoded = Decode(bytes); !decoded.ok()) {
    return Status(decoded.code(), where + decoded.message());
  }
  dirty_ = false;
  return Status::Ok();
}

Status UsageLedger::Decode(std::string_view file) {
  if (file.size() < kHeaderBytes) {
    return Status::Corruption("truncated header (" + std::to_string(file.size()) + " bytes)");
  }
  if (!std::equal(std::begin(kMagic), std::end(kMagic), file.begin())) {
    return Status::Corruption("bad magic: not a usage snapshot");
  }
  // The version comes before the checksum: a later version may checksum differently.
  const uint32_t version = archive::DecodeFixed32(file.data() + kVersionOffset);
  if (version != kVersion) {
    return Status::Corruption("unsupported version " + std::to_string(version) +
                              " (this build reads " + std::to_string(kVersion) + ")");
  }
  const uint64_t body_bytes = archive::DecodeFixed64(file.data() + kLengthOffset);
  if (body_bytes != file.size() - kHeaderBytes) {
    return Status::Corruption("header announces " + std::to_string(body_bytes) +
                              " body bytes, file holds " +
                              std::to_string(file.size() - kHeaderBytes) + " (truncated?)");
  }
  const uint32_t stored_crc = archive::DecodeFixed32(file.data() + kCrcOffset);
  const uint32_t actual_crc =
      archive::Crc32(file.data() + kVersionOffset, file.size() - kVersionOffset);
  if (stored_crc != actual_crc) return Status::Corruption("checksum mismatch");

  // Decode into fresh containers: the ledger changes only if the whole file is good.
  BodyReader body(file.substr(kHeaderBytes));
  uint64_t high_water;
  uint32_t stream_count;
  if (!body.Fixed64(high_water) || !body.Fixed32(stream_count)) return BadBody("short body");
  decltype(accounts_) accounts;
  for (uint32_t s = 0; s < stream_count; ++s) {
    auto stream = std::make_unique<StreamUsage>();
    uint8_t channels;
    if (!body.ShortString(stream->account) || !body.ShortString(stream->label) ||
        !body.ShortString(stream->kind) || !body.Byte(channels)) {
      return BadBody("stream " + std::to_string(s) + " truncated");
    }
    if (!ValidName(stream->account) || !ValidName(stream->label) ||
        stream->kind.size() > kMaxKindChars || channels < 1 || channels > kMaxChannels) {
      return BadBody("stream " + std::to_string(s) + " has an invalid name, kind or channels");
    }
    for (uint8_t c = 0; c < channels; ++c) {
      auto set = DeliveredSet::DecodeFrom(body.rest(), options_.max_intervals_per_channel);
      if (!set.ok()) {
        return BadBody("stream " + stream->account + "/" + stream->label + ": " +
                       set.status().message());
      }
      stream->channels.push_back(std::move(*set));
    }
    uint32_t hour_count;
    if (!body.Fixed32(hour_count)) return BadBody("stream " + std::to_string(s) + " truncated");
    for (uint32_t h = 0; h < hour_count; ++h) {
      uint64_t hour, posts;
      if (!body.Fixed64(hour) || !body.Fixed64(posts)) {
        return BadBody("stream " + std::to_string(s) + " truncated in its hours");
      }
      const auto hour_ms = static_cast<int64_t>(hour);
      if (hour_ms < 0 || hour_ms % kHourMs != 0 || posts == 0 ||
          (!stream->hours.empty() && hour_ms <= std::prev(stream->hours.end())->first)) {
        return BadBody("stream " + stream->account + "/" + stream->label + ": hour " +
                       std::to_string(h) + " is not a new, non-empty UTC hour");
      }
      stream->hours.emplace_hint(stream->hours.end(), hour_ms, posts);
    }
    auto& labels = accounts[stream->account];
    const std::string label = stream->label;
    if (!labels.emplace(label, std::move(stream)).second) {
      return BadBody("stream " + std::to_string(s) + " repeats an earlier account and label");
    }
  }
  if (!body.rest().empty()) return BadBody("trailing bytes after the last stream");
  const auto high_water_ms = static_cast<int64_t>(high_water);
  if (high_water_ms != kNoHighWater && (high_water_ms < 0 || high_water_ms % kHourMs != 0)) {
    return BadBody("newest hour is not a UTC hour");
  }
  accounts_ = std::move(accounts);
  has_high_water_ = high_water_ms != kNoHighWater;
  high_water_hour_ms_ = has_high_water_ ? high_water_ms : 0;
  return Status::Ok();
}

}  // namespace sluice
