// Sluice's gzip subsystem: compress once per stream, frame per connection.
//
// Per-connection compression collapses fan-out throughput (Jetstream fell from ~200k to ~28k
// events/s), so each batch of a stream is deflated once by the stream's BatchDeflater and every
// gzip connection of the stream writes the same DeflatedBlock bytes. A connection only adds its
// own header, running CRC (GzipMember::Add) and trailer. Wire format: docs/wire-gzip.md.
//
//   conn.Write(GzipHeader());                      // on accept
//   deflater.Deflate(batch, block);                // once per batch, stream thread
//   conn.Write(block.bytes); member.Add(block);    // per connection
//   conn.Write(HeartbeatBlock().bytes); member.Add(HeartbeatBlock());  // when idle
//   conn.Write(member.Trailer());                  // on clean close only
#pragma once

#include "gzip/batch_deflater.h"
#include "gzip/deflated_block.h"
#include "gzip/gzip_format.h"
#include "gzip/gzip_member.h"
#include "gzip/heartbeat_block.h"
