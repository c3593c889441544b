// The archive: a durable, append-only, time-ordered log of every accepted post, kept as a
// directory of segment files. The Writer appends (one owner thread) and maintains the
// ArchiveIndex that finds records by time; Readers and ListSegments read, and retention
// deletes old segments, concurrently with it. On-disk format and recovery rules:
// docs/archive-format.md.
//
// Invariants a user may rely on:
// - sequence numbers start at 1 and increase by one per record (recovery may leave gaps
//   between segments where it quarantined damaged data; it never reuses a kept number);
// - archive time never decreases along the sequence;
// - a record whose sequence is below Writer::durable_seq() survives a crash.
#pragma once

#include "archive/archive_format.h"   // IWYU pragma: export
#include "archive/archive_index.h"    // IWYU pragma: export
#include "archive/file_system.h"      // IWYU pragma: export
#include "archive/reader.h"           // IWYU pragma: export
#include "archive/record.h"           // IWYU pragma: export
#include "archive/recovery_report.h"  // IWYU pragma: export
#include "archive/retention.h"        // IWYU pragma: export
#include "archive/segment_list.h"     // IWYU pragma: export
#include "archive/writer.h"           // IWYU pragma: export
