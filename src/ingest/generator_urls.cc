#include "ingest/generator_urls.h"

#include "base/snowflake.h"

namespace sluice {
namespace {

// 62 symbols, two of them repeated to make 64: six random bits a character, no division. The
// slight bias towards '0' and '1' is invisible in t.co codes.
constexpr char kBase62[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz01";
constexpr char kHex[] = "0123456789abcdef";
constexpr size_t kDisplayUrlLength = 26;  // longer display URLs end in "…"

void WriteHex(JsonWriter& out, uint64_t bits, size_t length) {
  char* digits = out.Reserve(length);
  for (size_t i = 0; i < length; ++i) digits[i] = kHex[(bits >> (4 * (i % 16))) & 0xf];
  out.Commit(length);
}

void WriteCode(JsonWriter& out, uint64_t bits, size_t length) {
  WriteBase62(bits, out.Reserve(length), length);
  out.Commit(length);
}

// The path of a page on `site`: /section/some-words-of-the-title and the like.
void WritePath(JsonWriter& out, const SyntheticSite& site, const LanguageCatalog& catalog,
               Rng& rng) {
  const auto slug = [&](uint32_t words) {
    for (uint32_t i = 0; i < words; ++i) {
      if (i > 0) out.Char('-');
      out.Raw(catalog.slug_words[rng.Below(static_cast<uint32_t>(catalog.slug_words.size()))]);
    }
  };
  const auto section = [&] {
    out.Char('/');
    out.Raw(UrlSections()[rng.Below(static_cast<uint32_t>(UrlSections().size()))]);
    out.Char('/');
  };
  switch (site.style) {
    case UrlStyle::kArticle:
      section();
      slug(3 + rng.Below(4));
      break;
    case UrlStyle::kNumbered:
      section();
      slug(2 + rng.Below(3));
      out.Char('-');
      out.Uint(10000000 + rng.Below(90000000));
      break;
    case UrlStyle::kHexArticle:
      out.Raw("/articles/");
      WriteHex(out, rng.Next(), 16);
      break;
    case UrlStyle::kVideo:
      out.Raw("/watch?v=");
      WriteCode(out, rng.Next(), 11);
      break;
    case UrlStyle::kPhoto:
      out.Raw("/p/");
      WriteCode(out, rng.Next(), 11);
      out.Char('/');
      break;
    case UrlStyle::kTrack:
      out.Raw("/track/");
      WriteCode(out, rng.Next(), 11);
      WriteCode(out, rng.Next(), 11);
      break;
  }
}

void WriteEllipsis(JsonWriter& out, bool ascii) { out.Raw(ascii ? "\\u2026" : "…"); }

}  // namespace

void WriteBase62(uint64_t bits, char* out, size_t length) {
  uint64_t value = Mix64(bits);
  for (size_t i = 0; i < length; ++i) {
    if (i % 10 == 9) value = Mix64(value);  // 10 characters use 60 of the 64 bits
    out[i] = kBase62[value & 63];
    value >>= 6;
  }
}

void WriteTcoUrl(JsonWriter& out, uint64_t bits) {
  out.Raw("https://t.co/");
  WriteCode(out, bits, kTcoCodeLength);
}

std::string_view FormatTcoUrl(uint64_t bits, char (&buffer)[kTcoUrlLength]) {
  std::memcpy(buffer, "https://t.co/", 13);
  WriteBase62(bits, buffer + 13, kTcoCodeLength);
  return std::string_view(buffer, kTcoUrlLength);
}

void WriteLinkUrls(JsonWriter& out, const LanguageCatalog& catalog, uint64_t bits, bool ascii) {
  Rng rng(bits);
  const SyntheticSite& site = catalog.sites[catalog.site_table.Sample(rng)];
  out.Raw("\"url\":\"");
  WriteTcoUrl(out, bits);
  out.Raw("\",\"expanded_url\":\"https://");
  out.Raw(site.host);
  const size_t path_start = out.size();
  WritePath(out, site, catalog, rng);
  // The display URL repeats host and path; copy the path just written (ASCII, no escapes).
  const size_t path_length = out.size() - path_start;
  out.Raw("\",\"display_url\":\"");
  out.Raw(site.display_host);
  const size_t room = kDisplayUrlLength > site.display_host.size()
                          ? kDisplayUrlLength - site.display_host.size()
                          : 0;
  const size_t shown = path_length < room ? path_length : room;
  char* destination = out.Reserve(shown);  // may move the buffer: take the view after
  std::memcpy(destination, out.view().data() + path_start, shown);
  out.Commit(shown);
  if (shown < path_length) WriteEllipsis(out, ascii);
  out.Char('"');
}

void WriteStatusLinkUrls(JsonWriter& out, std::string_view screen_name, uint64_t status_id,
                         bool entity_names, bool ascii) {
  out.Raw("\"url\":\"");
  WriteTcoUrl(out, StatusLinkBits(status_id));
  if (entity_names) {
    out.Raw("\",\"expanded_url\":\"https://twitter.com/i/web/status/");
    out.Uint(status_id);
    out.Raw("\",\"display_url\":\"twitter.com/i/web/status/1");
    WriteEllipsis(out, ascii);
  } else {
    out.Raw("\",\"expanded\":\"https://twitter.com/");
    out.Raw(screen_name);
    out.Raw("/status/");
    out.Uint(status_id);
    out.Raw("\",\"display\":\"twitter.com/");
    out.Raw(screen_name);
    out.Raw("/status/1");
    WriteEllipsis(out, ascii);
  }
  out.Char('"');
}

void WriteMediaEntity(JsonWriter& out, MediaKind kind, uint64_t bits, uint64_t status_id,
                      std::string_view screen_name, uint32_t begin, bool extended) {
  Rng rng(bits);
  // Media is uploaded shortly before the post that carries it.
  const uint64_t media_id = MakeSnowflake(SnowflakeTimeMs(status_id) - 1000 - rng.Below(600000),
                                          rng.Below(1024), rng.Below(4096));
  const uint64_t code_bits = rng.Next();
  struct Size {
    int w, h;
  };
  static constexpr Size kLarge[] = {{2048, 1536}, {1920, 1080}, {1536, 2048}, {1080, 1080}};
  const Size large = kind == MediaKind::kPhoto ? kLarge[rng.Below(4)] : Size{1280, 720};
  const auto scaled = [&](int width) {  // keeps the aspect ratio, as X's "fit" sizes do
    out.Raw("{\"w\":");
    out.Int(large.w >= large.h ? width : width * large.w / large.h);
    out.Raw(",\"h\":");
    out.Int(large.w >= large.h ? width * large.h / large.w : width);
    out.Raw(",\"resize\":\"fit\"}");
  };

  out.Raw("{\"id\":");
  out.Uint(media_id);
  out.Raw(",\"id_str\":\"");
  out.Uint(media_id);
  out.Raw("\",\"indices\":[");
  out.Uint(begin);
  out.Char(',');
  out.Uint(begin + kTcoUrlCodePoints);
  out.Raw("],\"media_url\":\"");
  const auto thumbnail = [&] {
    switch (kind) {
      case MediaKind::kPhoto:
        out.Raw("pbs.twimg.com/media/");
        WriteCode(out, code_bits, 15);
        break;
      case MediaKind::kVideo:
        out.Raw("pbs.twimg.com/ext_tw_video_thumb/");
        out.Uint(media_id);
        out.Raw("/pu/img/");
        WriteCode(out, code_bits, 16);
        break;
      case MediaKind::kAnimatedGif:
        out.Raw("pbs.twimg.com/tweet_video_thumb/");
        WriteCode(out, code_bits, 15);
        break;
    }
    out.Raw(".jpg");
  };
  out.Raw("http://");
  thumbnail();
  out.Raw("\",\"media_url_https\":\"https://");
  thumbnail();
  out.Raw("\",\"url\":\"");
  WriteTcoUrl(out, bits);
  out.Raw("\",\"display_url\":\"pic.twitter.com/");
  WriteCode(out, bits, kTcoCodeLength);
  out.Raw("\",\"expanded_url\":\"https://twitter.com/");
  out.Raw(screen_name);
  out.Raw("/status/");
  out.Uint(status_id);
  out.Raw(kind == MediaKind::kPhoto ? "/photo/1" : "/video/1");
  out.Raw("\",\"type\":\"");
  out.Raw(!extended || kind == MediaKind::kPhoto ? "photo"
          : kind == MediaKind::kVideo            ? "video"
                                                 : "animated_gif");
  out.Raw("\",\"sizes\":{\"thumb\":{\"w\":150,\"h\":150,\"resize\":\"crop\"},\"medium\":");
  scaled(1200);
  out.Raw(",\"small\":");
  scaled(680);
  out.Raw(",\"large\":");
  scaled(large.w >= large.h ? large.w : large.h);
  out.Char('}');
  if (extended && kind == MediaKind::kVideo) {
    out.Raw(",\"video_info\":{\"aspect_ratio\":[16,9],\"duration_millis\":");
    out.Uint(3000 + rng.Below(137000));
    out.Raw(",\"variants\":[");
    static constexpr std::string_view kVariants[] = {"2176000,\"content_type\":\"video/mp4\"",
                                                     "832000,\"content_type\":\"video/mp4\""};
    static constexpr std::string_view kResolutions[] = {"1280x720", "640x360"};
    for (int i = 0; i < 2; ++i) {
      out.Raw("{\"bitrate\":");
      out.Raw(kVariants[i]);
      out.Raw(",\"url\":\"https://video.twimg.com/ext_tw_video/");
      out.Uint(media_id);
      out.Raw("/pu/vid/");
      out.Raw(kResolutions[i]);
      out.Char('/');
      WriteCode(out, code_bits + i + 1, 16);
      out.Raw(".mp4?tag=12\"},");
    }
    out.Raw(
        "{\"content_type\":\"application/x-mpegURL\",\"url\":\"https://video.twimg.com/"
        "ext_tw_video/");
    out.Uint(media_id);
    out.Raw("/pu/pl/");
    WriteCode(out, code_bits + 3, 16);
    out.Raw(".m3u8?tag=12\"}]}");
  } else if (extended && kind == MediaKind::kAnimatedGif) {
    out.Raw(
        ",\"video_info\":{\"aspect_ratio\":[16,9],\"variants\":[{\"bitrate\":0,"
        "\"content_type\":\"video/mp4\",\"url\":\"https://video.twimg.com/tweet_video/");
    WriteCode(out, code_bits, 15);
    out.Raw(".mp4\"}]}");
  }
  out.Char('}');
}

}  // namespace sluice
