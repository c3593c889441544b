#include "rules/literal_scanner.h"

#include <hs/hs.h>

#include <atomic>
#include <cstdio>
#include <cstdlib>

namespace sluice::rules {
LiteralScratch::~LiteralScratch() {
  if (scratch_ != nullptr) hs_free_scratch(scratch_);
}

LiteralScanner::LiteralScanner(std::vector<std::string> literals, bool scan_texts, bool scan_urls)
    : scan_texts_(scan_texts), scan_urls_(scan_urls) {
  // Identifies the database to scratches: an address could be reused by a later scanner.
  static std::atomic<uint64_t> next_serial{1};
  serial_ = next_serial.fetch_add(1, std::memory_order_relaxed);
  if (literals.empty()) return;
  std::vector<const char*> patterns;
  std::vector<size_t> lengths;
  std::vector<unsigned> ids;
  std::vector<unsigned> flags;
  literals_.reserve(literals.size());
  for (std::string& text : literals) {
    const uint64_t contains = KeyHash(KeyKind::kContains, text);
    const uint64_t url_contains = KeyHash(KeyKind::kUrlContains, text);
    literals_.push_back({std::move(text), contains, url_contains});
  }
  for (size_t i = 0; i < literals_.size(); ++i) {
    patterns.push_back(literals_[i].text.data());
    lengths.push_back(literals_[i].text.size());
    ids.push_back(static_cast<unsigned>(i));
    flags.push_back(HS_FLAG_SINGLEMATCH);
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_lit_multi(patterns.data(), flags.data(), ids.data(), lengths.data(),
                           static_cast<unsigned>(patterns.size()), HS_MODE_BLOCK, nullptr,
                           &database_, &error) != HS_SUCCESS) {
    std::fprintf(stderr, "rules: Vectorscan cannot compile %zu contains: literals: %s\n",
                 patterns.size(), error != nullptr ? error->message : "?");
    std::abort();
  }
}

LiteralScanner::~LiteralScanner() {
  if (database_ != nullptr) hs_free_database(database_);
}

void LiteralScanner::Scan(const PostView& post, LiteralScratch& scratch, PostKeys& keys) const {
  if (database_ == nullptr) return;
  if (scratch.sized_for != serial_) {
    if (hs_alloc_scratch(database_, &scratch.get()) != HS_SUCCESS) {
      std::fprintf(stderr, "rules: Vectorscan scratch allocation failed\n");
      std::abort();
    }
    scratch.sized_for = serial_;
  }
  struct Context {
    const LiteralScanner* self;
    PostKeys* keys;
    bool url;
  };
  auto on_match = [](unsigned int id, unsigned long long, unsigned long long, unsigned int,
                     void* opaque) -> int {
    auto* c = static_cast<Context*>(opaque);
    const Literal& literal = c->self->literals_[id];
    if (c->url) {
      c->keys->AddText(KeyKind::kUrlContains, literal.url_contains_hash, literal.text);
    } else {
      c->keys->AddText(KeyKind::kContains, literal.contains_hash, literal.text);
    }
    return 0;
  };
  Context context{this, &keys, false};
  if (scan_texts_) {
    for (std::string_view text : post.texts) {
      hs_scan(database_, text.data(), static_cast<unsigned>(text.size()), 0, scratch.get(),
              on_match, &context);
    }
  }
  context.url = true;
  if (scan_urls_) {
    for (std::string_view url : post.urls) {
      hs_scan(database_, url.data(), static_cast<unsigned>(url.size()), 0, scratch.get(), on_match,
              &context);
    }
  }
}

size_t LiteralScanner::MemoryBytes() const {
  size_t bytes = literals_.capacity() * sizeof(Literal);
  for (const Literal& l : literals_) bytes += l.text.capacity() > 15 ? l.text.capacity() + 1 : 0;
  size_t database_bytes = 0;
  if (database_ != nullptr && hs_database_size(database_, &database_bytes) == HS_SUCCESS) {
    bytes += database_bytes;
  }
  return bytes;
}

}  // namespace sluice::rules
