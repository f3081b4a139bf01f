package dev.herd.handler.files;

import java.util.Locale;
import java.util.Map;

/**
 * The {@code Content-Type} of a file, from its extension (RFC 9110 §8.3), as nginx's
 * {@code mime.types} would give it. Textual types say {@code charset=utf-8}: without it a browser
 * guesses the encoding of a text file (HTML §13.2.3.1), and the files of a web tree are UTF-8
 * nowadays.
 */
final class MediaTypes {
    /** What a file of unknown type is served as: bytes, which a browser offers to download. */
    static final String UNKNOWN = "application/octet-stream";
    static final String HTML = "text/html; charset=utf-8";

    private static final String UTF8 = "; charset=utf-8";

    private static final Map<String, String> BY_EXTENSION = Map.ofEntries(
            Map.entry("html", HTML),
            Map.entry("htm", HTML),
            Map.entry("css", "text/css" + UTF8),
            Map.entry("js", "text/javascript" + UTF8),   // RFC 9239: text/javascript, for modules too
            Map.entry("mjs", "text/javascript" + UTF8),
            Map.entry("json", "application/json" + UTF8),
            Map.entry("map", "application/json" + UTF8), // source maps
            Map.entry("webmanifest", "application/manifest+json" + UTF8),
            Map.entry("txt", "text/plain" + UTF8),
            Map.entry("csv", "text/csv" + UTF8),
            Map.entry("md", "text/markdown" + UTF8),
            Map.entry("xml", "application/xml" + UTF8),
            Map.entry("rss", "application/rss+xml" + UTF8),
            Map.entry("atom", "application/atom+xml" + UTF8),
            Map.entry("svg", "image/svg+xml" + UTF8),
            Map.entry("png", "image/png"),
            Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"),
            Map.entry("gif", "image/gif"),
            Map.entry("webp", "image/webp"),
            Map.entry("avif", "image/avif"),
            Map.entry("ico", "image/vnd.microsoft.icon"),
            Map.entry("bmp", "image/bmp"),
            Map.entry("wasm", "application/wasm"),         // streaming compilation insists on it
            Map.entry("pdf", "application/pdf"),
            Map.entry("woff", "font/woff"),
            Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"),
            Map.entry("otf", "font/otf"),
            Map.entry("mp4", "video/mp4"),
            Map.entry("webm", "video/webm"),
            Map.entry("mp3", "audio/mpeg"),
            Map.entry("ogg", "audio/ogg"),
            Map.entry("wav", "audio/wav"),
            Map.entry("zip", "application/zip"),
            Map.entry("gz", "application/gzip"),
            Map.entry("tar", "application/x-tar"));

    private MediaTypes() {
    }

    /** The media type of a file name; {@link #UNKNOWN} without a known extension. */
    static String of(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return UNKNOWN;
        }
        return BY_EXTENSION.getOrDefault(fileName.substring(dot + 1).toLowerCase(Locale.ROOT), UNKNOWN);
    }
}
