#include "ingest/generator_status_writer.h"

#include <charconv>

namespace sluice {
namespace {

void WriteIndices(uint32_t begin, uint32_t end, JsonWriter& out) {
  out.Raw(",\"indices\":[");
  out.Uint(begin);
  out.Char(',');
  out.Uint(end);
  out.Raw("]}");
}

// ,"name":123,"name_str":"123" — formatting the number once.
void WriteIdPair(std::string_view name, uint64_t id, JsonWriter& out) {
  char digits[20];
  const std::string_view text(
      digits, static_cast<size_t>(std::to_chars(digits, digits + 20, id).ptr - digits));
  out.Raw(",\"");
  out.Raw(name);
  out.Raw("\":");
  out.Raw(text);
  out.Raw(",\"");
  out.Raw(name);
  out.Raw("_str\":\"");
  out.Raw(text);
  out.Char('"');
}

}  // namespace

void StatusWriter::WriteCreatedAt(int64_t created_ms, JsonWriter& out) {
  const int64_t second = created_ms / 1000;
  if (second != cached_second_) {
    FormatTwitterTime(created_ms, cached_created_at_);
    cached_second_ = second;
  }
  out.Raw(std::string_view(cached_created_at_, kTwitterTimeLength));
}

void StatusWriter::WriteUser(uint32_t user, uint32_t statuses_count, bool ascii, JsonWriter& out) {
  const SyntheticUser& u = world_.users()[user];
  out.Raw(u.json_head[ascii]);
  out.Uint(statuses_count);
  out.Raw(u.json_tail[ascii]);
}

void StatusWriter::WriteGeo(const StatusSpec& status, bool ascii, JsonWriter& out) {
  if (status.has_point) {
    // "geo" is the deprecated latitude-first form; "coordinates" is GeoJSON (longitude first).
    out.Raw(",\"geo\":{\"type\":\"Point\",\"coordinates\":[");
    out.Fixed(status.latitude, 6);
    out.Char(',');
    out.Fixed(status.longitude, 6);
    out.Raw("]},\"coordinates\":{\"type\":\"Point\",\"coordinates\":[");
    out.Fixed(status.longitude, 6);
    out.Char(',');
    out.Fixed(status.latitude, 6);
    out.Raw("]}");
  } else {
    out.Raw(",\"geo\":null,\"coordinates\":null");
  }
  out.Raw(",\"place\":");
  if (status.place != nullptr) {
    out.Raw(status.place->json[ascii]);
  } else {
    out.Raw("null");
  }
}

void StatusWriter::WriteEntities(const ComposedText& text, bool ascii, JsonWriter& out) {
  const LanguageCatalog& catalog = world_.catalog(text.language);
  const auto list = [&](EntityKind kind, std::string_view name, auto&& write_one) {
    out.Raw(name);
    out.Char('[');
    bool first = true;
    for (const TextEntity& e : text.entities) {
      if (e.kind != kind && !(kind == EntityKind::kUrl && e.kind == EntityKind::kStatusLink)) {
        continue;
      }
      if (!first) out.Char(',');
      first = false;
      write_one(e);
    }
    out.Char(']');
  };
  out.Raw("\"entities\":{");
  list(EntityKind::kHashtag, "\"hashtags\":", [&](const TextEntity& e) {
    out.Raw("{\"text\":\"");
    out.Raw(catalog.hashtags.Get(static_cast<uint32_t>(e.value), ascii).bytes);
    out.Char('"');
    WriteIndices(e.begin, e.end, out);
  });
  list(EntityKind::kUrl, ",\"urls\":", [&](const TextEntity& e) {
    out.Char('{');
    if (e.kind == EntityKind::kStatusLink) {
      WriteStatusLinkUrls(out, {}, e.value, /*entity_names=*/true, ascii);
    } else {
      WriteLinkUrls(out, catalog, e.value, ascii);
    }
    WriteIndices(e.begin, e.end, out);
  });
  list(EntityKind::kMention, ",\"user_mentions\":", [&](const TextEntity& e) {
    out.Raw(world_.users()[e.value].mention_json[ascii]);
    WriteIndices(e.begin, e.end, out);
  });
  list(EntityKind::kCashtag, ",\"symbols\":", [&](const TextEntity& e) {
    out.Raw("{\"text\":\"");
    out.Raw(world_.cashtags()[e.value].utf8);
    out.Char('"');
    WriteIndices(e.begin, e.end, out);
  });
  const TextEntity* media = nullptr;
  for (const TextEntity& e : text.entities) {
    if (e.kind == EntityKind::kMedia) media = &e;
  }
  if (media == nullptr) {
    out.Char('}');
    return;
  }
  const std::string_view owner = world_.users()[text.media_user].screen_name.utf8;
  out.Raw(",\"media\":[");
  WriteMediaEntity(out, text.media_kind, media->value, text.media_status_id, owner, media->begin,
                   /*extended=*/false);
  out.Raw("]},\"extended_entities\":{\"media\":[");
  WriteMediaEntity(out, text.media_kind, media->value, text.media_status_id, owner, media->begin,
                   /*extended=*/true);
  out.Raw("]}");
}

void StatusWriter::Write(const StatusSpec& status, bool ascii, JsonWriter& out) {
  out.Raw("{\"created_at\":\"");
  WriteCreatedAt(status.created_ms, out);
  out.Char('"');
  WriteIdPair("id", status.id, out);
  out.Raw(",\"text\":\"");
  out.Raw(status.text->bytes.view());
  out.Raw("\",\"source\":");
  out.Raw(status.source);
  out.Raw(status.full_text != nullptr ? ",\"truncated\":true" : ",\"truncated\":false");
  if (status.is_reply) {
    const SyntheticUser& target = world_.users()[status.reply_to_user];
    WriteIdPair("in_reply_to_status_id", status.reply_to_status, out);
    WriteIdPair("in_reply_to_user_id", target.id, out);
    out.Raw(",\"in_reply_to_screen_name\":\"");
    out.Raw(target.screen_name.utf8);
    out.Char('"');
  } else {
    out.Raw(
        ",\"in_reply_to_status_id\":null,\"in_reply_to_status_id_str\":null,"
        "\"in_reply_to_user_id\":null,\"in_reply_to_user_id_str\":null,"
        "\"in_reply_to_screen_name\":null");
  }
  out.Raw(",\"user\":");
  WriteUser(status.user, status.statuses_count, ascii, out);
  WriteGeo(status, ascii, out);
  out.Raw(",\"contributors\":null");
  if (status.retweeted != nullptr) {
    out.Raw(",\"retweeted_status\":");
    Write(*status.retweeted, ascii, out);
  }
  const StatusSpec* quoted = status.quoted;
  if (quoted != nullptr) {
    WriteIdPair("quoted_status_id", quoted->id, out);
    out.Raw(",\"quoted_status\":");
    Write(*quoted, ascii, out);
    out.Raw(",\"quoted_status_permalink\":{");
    WriteStatusLinkUrls(out, world_.users()[quoted->user].screen_name.utf8, quoted->id,
                        /*entity_names=*/false, ascii);
    out.Char('}');
  }
  out.Raw(quoted != nullptr ? ",\"is_quote_status\":true" : ",\"is_quote_status\":false");
  if (status.full_text != nullptr) {
    const ComposedText& full = *status.full_text;
    out.Raw(",\"extended_tweet\":{\"full_text\":\"");
    out.Raw(full.bytes.view());
    out.Raw("\",\"display_text_range\":[");
    out.Uint(full.display_begin);
    out.Char(',');
    out.Uint(full.display_end);
    out.Raw("],");
    WriteEntities(full, ascii, out);
    out.Char('}');
  }
  out.Raw(",\"quote_count\":");
  out.Uint(status.quote_count);
  out.Raw(",\"reply_count\":");
  out.Uint(status.reply_count);
  out.Raw(",\"retweet_count\":");
  out.Uint(status.retweet_count);
  out.Raw(",\"favorite_count\":");
  out.Uint(status.favorite_count);
  out.Char(',');
  WriteEntities(*status.text, ascii, out);
  out.Raw(",\"favorited\":false,\"retweeted\":false");
  if (status.has_links_or_media) out.Raw(",\"possibly_sensitive\":false");
  if (status.top_level) {
    out.Raw(",\"filter_level\":\"");
    out.Raw(status.filter_level);
    out.Char('"');
  }
  out.Raw(",\"lang\":\"");
  out.Raw(world_.catalog(status.text->language).code);
  out.Char('"');
  if (status.top_level) {
    out.Raw(",\"timestamp_ms\":\"");
    out.Int(status.created_ms);
    out.Char('"');
  }
  out.Char('}');
}

}  // namespace sluice
