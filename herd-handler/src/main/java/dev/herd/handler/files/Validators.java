package dev.herd.handler.files;

import io.netty.handler.codec.DateFormatter;

import java.nio.file.attribute.BasicFileAttributes;
import java.util.Date;
import java.util.concurrent.TimeUnit;

/**
 * The validators of a file (RFC 9110 §8.8): a strong entity tag and the modification date.
 *
 * <p>The tag is made as nginx makes its own, from the modification time and the size, so every
 * handler process derives the same tag for the same file without keeping any state; it uses the
 * time to the nanosecond where nginx uses the second, so that a file rewritten within the same
 * second at the same size still gets a new tag. It is strong (§8.8.1): two files with the same
 * time and size are taken to have the same bytes, as nginx takes them.
 *
 * @param etag                the entity tag, quoted: {@code "<mtime ns hex>-<size hex>"}
 * @param lastModifiedSeconds the modification time in whole seconds, the precision of an HTTP date
 * @param lastModified        that time as an IMF-fixdate (§5.6.7)
 */
record Validators(String etag, long lastModifiedSeconds, String lastModified) {

    static Validators of(BasicFileAttributes attributes) {
        long nanos = attributes.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        long seconds = attributes.lastModifiedTime().to(TimeUnit.SECONDS);
        String etag = '"' + Long.toHexString(nanos) + '-' + Long.toHexString(attributes.size()) + '"';
        return new Validators(etag, seconds, DateFormatter.format(new Date(seconds * 1000)));
    }
}
