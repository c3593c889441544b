#include "support/chunk_counter.h"

#include <algorithm>
#include <chrono>
#include <cstring>
#include <string_view>

#include "base/snowflake.h"

namespace sluice::bench {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

void ChunkedMessageCounter::RecordLatency() {
  head_done_ = true;
  const std::string_view head(head_, head_len_);
  const size_t at = head.find("\"id\":");
  if (at == std::string_view::npos) return;  // a heartbeat or a system message
  uint64_t id = 0;
  size_t i = at + 5;
  if (i >= head.size() || head[i] < '0' || head[i] > '9') return;
  for (; i < head.size() && head[i] >= '0' && head[i] <= '9'; ++i) id = id * 10 + (head[i] - '0');
  if (i == head.size()) return;  // the id may continue beyond the captured bytes
  const int64_t created_ms = SnowflakeTimeMs(id);
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch())
                             .count();
  latency_->Add(now_ms - created_ms);
}

void ChunkedMessageCounter::OnData(const char* data, size_t size) {
  decoded_bytes_ += size;
  const char* p = data;
  const char* end = data + size;
  while (p < end) {
    const char* nl = static_cast<const char*>(std::memchr(p, '\n', static_cast<size_t>(end - p)));
    const char* line_end = nl ? nl : end;
    if (latency_ && !head_done_) {
      const size_t n = std::min(kHeadBytes - head_len_, static_cast<size_t>(line_end - p));
      std::memcpy(head_ + head_len_, p, n);
      head_len_ += n;
      if (head_len_ == kHeadBytes) RecordLatency();
    }
    if (nl == nullptr) {
      line_bytes_ += static_cast<uint64_t>(end - p);
      last_byte_ = end[-1];
      return;
    }
    line_bytes_ += static_cast<uint64_t>(nl - p);
    const char before = nl > p ? nl[-1] : last_byte_;
    // A line is "<json>\r\n": its length without the CR is line_bytes_ - 1.
    if (before == '\r' && line_bytes_ <= 1) {
      ++heartbeats_;
    } else {
      ++messages_;
      if (latency_ && !head_done_) RecordLatency();
    }
    line_bytes_ = 0;
    last_byte_ = '\n';
    head_len_ = 0;
    head_done_ = false;
    p = nl + 1;
  }
}

bool ChunkedMessageCounter::Feed(const char* data, size_t size) {
  const char* p = data;
  const char* end = data + size;
  while (p < end) {
    switch (state_) {
      case State::kSize: {
        const char c = *p++;
        const int v = HexValue(c);
        if (v >= 0 && size_digits_ < 15) {
          chunk_left_ = chunk_left_ * 16 + static_cast<uint64_t>(v);
          ++size_digits_;
        } else if (c == ';' && size_digits_ > 0) {
          state_ = State::kExtension;
        } else if (c == '\r' && size_digits_ > 0) {
          state_ = State::kSizeLf;
        } else {
          state_ = State::kBroken;
        }
        break;
      }
      case State::kExtension:
        if (*p++ == '\r') state_ = State::kSizeLf;
        break;
      case State::kSizeLf:
        if (*p++ != '\n') {
          state_ = State::kBroken;
        } else if (chunk_left_ == 0) {
          state_ = State::kTrailer;
          trailer_line_ = 0;
        } else {
          state_ = State::kData;
        }
        size_digits_ = 0;
        break;
      case State::kData: {
        const size_t n =
            static_cast<size_t>(std::min<uint64_t>(chunk_left_, static_cast<uint64_t>(end - p)));
        OnData(p, n);
        p += n;
        chunk_left_ -= n;
        if (chunk_left_ == 0) state_ = State::kDataCr;
        break;
      }
      case State::kDataCr:
        state_ = *p++ == '\r' ? State::kDataLf : State::kBroken;
        break;
      case State::kDataLf:
        state_ = *p++ == '\n' ? State::kSize : State::kBroken;
        break;
      case State::kTrailer: {
        const char c = *p++;
        if (c == '\n') {
          if (trailer_line_ == 0) state_ = State::kDone;
          trailer_line_ = 0;
        } else if (c != '\r') {
          ++trailer_line_;
        }
        break;
      }
      case State::kDone:
      case State::kBroken:
        return state_ != State::kBroken;
    }
  }
  return state_ != State::kBroken;
}

}  // namespace sluice::bench
