// UsageLedger: distinct posts delivered per stream per archive hour, for the usage endpoint
// (docs/usage.md). A post delivered on several redundant connections, or again by backfill or
// recovery, counts once: each channel of a stream keeps a DeliveredSet of the seqs already
// delivered, and only seqs new to it are added to the hour of their archive time.
//
// Thread safety: none. One owner thread (the network thread) calls everything except
// WriteSnapshot, which is static and may run on any thread with bytes from Serialize().
//
// Bounds: per stream, buckets of at most `retained_hours` hours counted back from the newest
// hour the ledger has seen (older ones are dropped and never reported); per channel,
// `max_intervals_per_channel` delivered intervals (see DeliveredSet: over-count, never
// under-count); streams found in a snapshot but not registered with ForStream since ("retired")
// are kept, with their history, up to `max_retired_streams` (the most recently active).
#pragma once

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "archive/file_system.h"
#include "base/status.h"
#include "stream/delivered_set.h"

namespace sluice {

class UsageLedger {
 public:
  struct Options {
    size_t max_intervals_per_channel = DeliveredSet::kDefaultMaxIntervals;
    int64_t retained_hours = 400 * 24;  // clamped to [1, 100 years]
    size_t max_retired_streams = 256;
  };
  static constexpr int kMaxChannels = 2;       // a Decahose has two partitions
  static constexpr size_t kMaxKindChars = 32;  // "powertrack", "decahose", "sample"
  // A snapshot file larger than this is refused as Corruption before it is read.
  static constexpr uint64_t kMaxSnapshotBytes = uint64_t{1} << 30;

  // Opaque per-stream state; the pointer stays valid for the ledger's life.
  struct StreamUsage;

  struct HourCount {
    int64_t hour_ms = 0;  // start of a UTC hour
    uint64_t posts = 0;   // distinct posts of that archive hour delivered
    friend bool operator==(const HourCount&, const HourCount&) = default;
  };
  struct StreamRows {
    std::string label;
    std::string kind;
    std::vector<HourCount> hours;  // ascending, non-zero
  };

  UsageLedger();
  explicit UsageLedger(Options options);
  UsageLedger(const UsageLedger&) = delete;  // hands out pointers into itself
  UsageLedger& operator=(const UsageLedger&) = delete;
  ~UsageLedger();

  // Registers a configured stream, or claims the one of that name restored by Load (keeping its
  // history). Calling it again for the same stream returns the same pointer. If `channels`
  // differs from what was stored, the stream's delivered sets start empty (re-deliveries of
  // earlier posts count again); its hourly counts are kept. `kind` is stored for rendering.
  // `channel` arguments to Record are 0-based: Decahose partition P is channel P - 1.
  // Errors: InvalidArgument if account or label is empty or longer than kMaxNameChars
  // (config/config_limits.h), kind is longer than kMaxKindChars, or channels is not in
  // [1, kMaxChannels].
  Result<StreamUsage*> ForStream(std::string_view account, std::string_view label,
                                 std::string_view kind, int channels);

  // Records one piece written to one connection: it covers the channel's seqs in
  // [cover_begin, cover_end) and carries `seqs`, all of archive hour `hour_ms` (truncated to
  // its hour here; negative values count in hour 0). Cheap: called for every piece written.
  // REQUIRES: `stream` came from this ledger's ForStream; 0 <= channel < its channel count
  // (fatal otherwise); `seqs` as DeliveredSet::AddAndCountNew requires.
  void Record(StreamUsage* stream, int channel, uint64_t cover_begin, uint64_t cover_end,
              std::span<const uint64_t> seqs, int64_t hour_ms);

  // Retention: forgets deliveries of seqs below `seq` in every channel. Call it with the first
  // seq that can still be replayed (older posts can never be delivered again, so counts do not
  // change).
  void ForgetDeliveriesBefore(uint64_t seq);

  // Hours in [from_ms, to_ms) with a non-zero count, ascending. Empty for an unknown stream.
  std::vector<HourCount> Query(std::string_view account, std::string_view label, int64_t from_ms,
                               int64_t to_ms) const;
  // Every stream of `account` (registered or retired), by label ascending, each with its hours
  // in [from_ms, to_ms) as Query returns them. Empty for an unknown account.
  std::vector<StreamRows> QueryAccount(std::string_view account, int64_t from_ms,
                                       int64_t to_ms) const;

  // True after anything changed since the last Serialize (conservatively: after any Record).
  bool dirty() const { return dirty_; }

  // The whole state as a snapshot (docs/usage.md, "Snapshot file": versioned, CRC-32
  // checked); clears dirty(). Retired streams beyond the bound and buckets older than the
  // retention are left out.
  std::string Serialize();

  // Writes `bytes` to `path` durably: `<path>.tmp`, fdatasync, rename over `path`, fsync of
  // the directory. A crash leaves either the old file or the new one. Any thread.
  // Errors: IoError from the file system (the old file is then intact; the tmp file removed
  // when possible).
  static Status WriteSnapshot(archive::FileSystem& fs, const std::filesystem::path& path,
                              std::string_view bytes);

  // Restores the state saved at `path`; every stream in it is retired until ForStream claims
  // it. On error the ledger is unchanged (fresh).
  // REQUIRES: called before any ForStream.
  // Errors: NotFound if `path` does not exist (start fresh); Corruption naming the path and
  // the damage (bad magic, unknown version, truncated, checksum mismatch, malformed content,
  // larger than kMaxSnapshotBytes): the caller logs it, sets the file aside as `<path>.corrupt`
  // and starts fresh; IoError if it cannot be read; FailedPrecondition if streams are
  // registered already.
  Status Load(archive::FileSystem& fs, const std::filesystem::path& path);

 private:
  Status Decode(std::string_view file);
  int64_t HorizonHourMs() const;
  std::vector<HourCount> HoursOf(const StreamUsage& stream, int64_t from_ms, int64_t to_ms) const;

  Options options_;
  // account -> label -> stream. unique_ptr keeps StreamUsage* stable across inserts.
  std::map<std::string, std::map<std::string, std::unique_ptr<StreamUsage>, std::less<>>,
           std::less<>>
      accounts_;
  bool any_registered_ = false;
  bool has_high_water_ = false;
  int64_t high_water_hour_ms_ = 0;  // newest hour counted, across all streams
  bool dirty_ = false;
};

}  // namespace sluice
