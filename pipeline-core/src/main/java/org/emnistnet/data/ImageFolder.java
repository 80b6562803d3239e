package org.emnistnet.data;

import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.HadoopFiles;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * A folder of image files to score, read so that every file gets exactly one row, no file can exhaust memory and
 * no symbolic link leads the job out of the folder or round in circles. The listing is the one source of truth:
 * the driver walks the tree once (sizes only), decides what is read, and the executors read exactly those files
 * (Spark's {@code binaryFile} source would list the tree again by its own rules, following every link). Files that
 * are empty or larger than {@code maxFileBytes} get an error row from the listing; a file that cannot be read, or
 * is no longer the regular file of the size listed, gets one from its executor ({@link ImageFileReader}). Hidden names ({@code .x}, {@code _x}) are
 * skipped, as Spark's file sources skip them.
 */
public final class ImageFolder {
    public static final String FILE_TOO_LARGE = "file too large";
    public static final String UNREADABLE = "unreadable";
    public static final String NOT_A_FILE = "not a regular file";
    public static final String LINK_NOT_FOLLOWED = "link not followed (links are followed only when asked, and only inside the input folder)";
    public static final String LINK_OUTSIDE = "link leads outside the input folder";
    public static final String LINK_LOOP = "link to a folder already listed (a loop or a second way in)";
    public static final String LINK_BROKEN = "link to nothing";

    private ImageFolder() {
    }

    /** A file the executors read: its path and its size from the listing. */
    public record FileEntry(String path, long length) {
    }

    /** What the walk found: files to read, error rows of files not read, and links skipped, counted by reason. */
    public record Listing(List<FileEntry> toRead, List<Row> notRead, long notReadBytes, Map<String, Long> skippedLinks) {
        public long files() {
            return toRead.size() + notRead.size();
        }

        /** The bytes of the files listed, read or not (a file too large counts with its size). */
        public long bytes() {
            return toRead.stream().mapToLong(FileEntry::length).sum() + notReadBytes;
        }
    }

    /**
     * Walks the tree under {@code directory}, reading sizes only. Symbolic links are skipped unless
     * {@code followLinks}; then only those whose target stays inside the folder are followed, and a folder already
     * listed (a loop, or two links to one folder) is not listed again.
     */
    public static Listing list(Path root, long maxFileBytes, boolean followLinks) {
        Path directory = HadoopFiles.fileSystem(root).makeQualified(root);
        List<FileEntry> toRead = new ArrayList<>();
        List<Row> notRead = new ArrayList<>();
        Map<String, Long> skippedLinks = new TreeMap<>();
        long notReadBytes = 0;
        try {
            Tree tree = HadoopFiles.isLocal(directory) ? new LocalTree(directory) : new HadoopTree(directory);
            Set<String> listedFolders = new HashSet<>();
            // real folders at the front, linked ones at the back: a folder is listed under its own name when it
            // has one in the tree, and a link to it counts as a second way in
            ArrayDeque<Entry> pending = new ArrayDeque<>(List.of(new Entry(directory, false, true, false, 0)));
            while (!pending.isEmpty()) {
                Entry folder = pending.pop();
                if (!listedFolders.add(tree.realPath(folder.path()))) {
                    skippedLinks.merge(LINK_LOOP, 1L, Long::sum);
                    continue;
                }
                for (Entry entry : tree.entries(folder.path())) {
                    String name = entry.path().getName();
                    if (name.startsWith(".") || name.startsWith("_")) {
                        continue;
                    }
                    String skipped = entry.link() ? tree.reasonToSkip(entry, followLinks) : null;
                    if (skipped != null) {
                        skippedLinks.merge(skipped, 1L, Long::sum);
                    } else if (entry.directory() && entry.link()) {
                        pending.addLast(entry);
                    } else if (entry.directory()) {
                        pending.push(entry);
                    } else {
                        // a named pipe or a device would block or never end: listed, never read
                        String reason = entry.regular() ? notReadReason(entry.length(), maxFileBytes) : NOT_A_FILE;
                        if (reason == null) {
                            toRead.add(new FileEntry(entry.path().toString(), entry.length()));
                        } else {
                            notRead.add(RowFactory.create(entry.path().toString(), null, reason));
                            notReadBytes += entry.length();
                        }
                    }
                }
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new EmnistNetException(directory + ": cannot list files: " + e.getMessage(), e);
        }
        return new Listing(toRead, notRead, notReadBytes, skippedLinks);
    }

    private static String notReadReason(long length, long maxFileBytes) {
        return length == 0 ? ImageFileDecoder.EMPTY
                : length > maxFileBytes ? String.format(Locale.ROOT, "%s: %,d bytes, more than the limit of %,d bytes per file",
                FILE_TOO_LARGE, length, maxFileBytes)
                : null;
    }

    private record Entry(Path path, boolean link, boolean directory, boolean regular, long length) {
    }

    /** A folder tree on one filesystem. */
    private interface Tree {
        List<Entry> entries(Path folder) throws IOException;

        /** Why a link is not followed, or null to follow it. */
        String reasonToSkip(Entry link, boolean followLinks) throws IOException;

        String realPath(Path folder) throws IOException;
    }

    /**
     * Local folders, walked with java.nio: Hadoop's local filesystem follows links without saying so and drops a
     * dangling link from its listing without a word.
     */
    private static final class LocalTree implements Tree {
        private final java.nio.file.Path realRoot;

        LocalTree(Path root) throws IOException {
            this.realRoot = nio(root).toRealPath();
        }

        @Override
        public List<Entry> entries(Path folder) throws IOException {
            List<Entry> entries = new ArrayList<>();
            try (var names = java.nio.file.Files.newDirectoryStream(nio(folder))) {
                for (java.nio.file.Path name : names) {
                    var own = java.nio.file.Files.readAttributes(name, java.nio.file.attribute.BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    var target = own.isSymbolicLink() ? targetAttributes(name) : own;
                    entries.add(new Entry(new Path(name.toUri()), own.isSymbolicLink(),
                            target != null && target.isDirectory(), target != null && target.isRegularFile(),
                            target == null ? 0 : target.size()));
                }
            }
            return entries;
        }

        private static java.nio.file.attribute.BasicFileAttributes targetAttributes(java.nio.file.Path link) {
            try {
                return java.nio.file.Files.readAttributes(link, java.nio.file.attribute.BasicFileAttributes.class);
            } catch (IOException e) {
                return null; // dangling, or a loop the operating system gave up resolving
            }
        }

        @Override
        public String reasonToSkip(Entry link, boolean followLinks) {
            if (!followLinks) {
                return LINK_NOT_FOLLOWED;
            }
            try {
                return nio(link.path()).toRealPath().startsWith(realRoot) ? null : LINK_OUTSIDE;
            } catch (IOException e) {
                return LINK_BROKEN;
            }
        }

        @Override
        public String realPath(Path folder) throws IOException {
            return nio(folder).toRealPath().toString();
        }

        private static java.nio.file.Path nio(Path path) {
            return java.nio.file.Path.of(path.toUri());
        }
    }

    /** Folders on HDFS, S3 and the like: their links (rare; HDFS disables them by default) are not followed. */
    private static final class HadoopTree implements Tree {
        private final FileSystem fs;

        HadoopTree(Path root) {
            this.fs = HadoopFiles.fileSystem(root);
        }

        @Override
        public List<Entry> entries(Path folder) throws IOException {
            List<Entry> entries = new ArrayList<>();
            for (FileStatus status : fs.listStatus(folder)) {
                entries.add(new Entry(status.getPath(), status.isSymlink(), status.isDirectory(), status.isFile(), status.getLen()));
            }
            return entries;
        }

        @Override
        public String reasonToSkip(Entry link, boolean followLinks) {
            return LINK_NOT_FOLLOWED;
        }

        @Override
        public String realPath(Path folder) {
            return fs.makeQualified(folder).toString();
        }
    }
}
