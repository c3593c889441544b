// LiteralScanner: finds which contains:/url_contains: values occur in a post, all at once, with
// one Vectorscan pass over each text (or URL) instead of one substring search per rule. Hits are
// added to the post's PostKeys, where the index and the rule programs look them up like any key.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "post/post_view.h"
#include "rules/post_keys.h"

struct hs_database;
struct hs_scratch;

namespace sluice::rules {

// One thread's Vectorscan scratch; grows to fit whichever scanner uses it.
class LiteralScratch {
 public:
  LiteralScratch() = default;
  ~LiteralScratch();
  LiteralScratch(const LiteralScratch&) = delete;  // owns a Vectorscan allocation
  LiteralScratch& operator=(const LiteralScratch&) = delete;
  hs_scratch*& get() { return scratch_; }
  // The scanner (by serial number) the scratch was last sized for.
  uint64_t sized_for = 0;

 private:
  hs_scratch* scratch_ = nullptr;
};

class LiteralScanner {
 public:
  // `literals`: distinct, non-empty, folded. `scan_texts` / `scan_urls`: whether any rule has a
  // contains: / url_contains: literal (the other list is then not scanned). A Vectorscan compile
  // failure is fatal (it only fails on resource exhaustion for plain literals).
  LiteralScanner(std::vector<std::string> literals, bool scan_texts, bool scan_urls);
  ~LiteralScanner();
  LiteralScanner(const LiteralScanner&) = delete;  // owns the compiled database
  LiteralScanner& operator=(const LiteralScanner&) = delete;

  bool empty() const { return literals_.empty(); }

  // Adds (kContains, literal) for each literal in one of post.texts and (kUrlContains, literal)
  // for each in one of post.urls (each list only if asked for at construction). Thread-safe given a
  // scratch per thread.
  void Scan(const PostView& post, LiteralScratch& scratch, PostKeys& keys) const;

  size_t MemoryBytes() const;

 private:
  struct Literal {
    std::string text;
    uint64_t contains_hash;
    uint64_t url_contains_hash;
  };
  std::vector<Literal> literals_;
  hs_database* database_ = nullptr;
  bool scan_texts_ = false;
  bool scan_urls_ = false;
  uint64_t serial_ = 0;  // distinct for every scanner of the process
};

}  // namespace sluice::rules
