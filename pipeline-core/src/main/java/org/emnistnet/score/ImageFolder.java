package org.emnistnet.score;

import org.apache.hadoop.fs.FSDataInputStream;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.SerializableConfiguration;
import org.emnistnet.EmnistNetException;
import org.emnistnet.artifact.HadoopFiles;
import org.emnistnet.data.ImageFileDecoder;

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
 * is no longer the regular file of the size listed, gets one from its executor. Hidden names ({@code .x}, {@code _x}) are
 * skipped, as Spark's file sources skip them.
 */
final class ImageFolder {
    static final String FILE_TOO_LARGE = "file too large";
    static final String UNREADABLE = "unreadable";
    static final String NOT_A_FILE = "not a regular file";
    static final String LINK_NOT_FOLLOWED = "link not followed (--follow-links follows links that stay inside --in)";
    static final String LINK_OUTSIDE = "link leads outside --in";
    static final String LINK_LOOP = "link to a folder already listed (a loop or a second way in)";
    static final String LINK_BROKEN = "link to nothing";

    private ImageFolder() {
    }

    /** A file the executors read: its path and its size from the listing. */
    record FileEntry(String path, long length) {
    }

    /** What the walk found: files to read, error rows of files not read, and links skipped, counted by reason. */
    record Listing(List<FileEntry> toRead, List<Row> notRead, long notReadBytes, Map<String, Long> skippedLinks) {
        long files() {
            return toRead.size() + notRead.size();
        }

        /** The bytes of the files listed, read or not (a file too large counts with its size). */
        long bytes() {
            return toRead.stream().mapToLong(FileEntry::length).sum() + notReadBytes;
        }
    }

    /**
     * Walks the tree under {@code directory}, reading sizes only. Symbolic links are skipped unless
     * {@code followLinks}; then only those whose target stays inside the folder are followed, and a folder already
     * listed (a loop, or two links to one folder) is not listed again.
     */
    static Listing list(Path root, long maxFileBytes, boolean followLinks) {
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
                : length > maxFileBytes ? String.format(Locale.ROOT, "%s: %,d bytes, more than --max-file-bytes %,d",
                FILE_TOO_LARGE, length, maxFileBytes)
                : null;
    }

    /**
     * The listed files as rows (path, content, error), read on the executors in partitions of about
     * {@code filesPerPartition} files: enough for full inference batches per task, at least two tasks per core.
     */
    static JavaRDD<Row> read(JavaSparkContext spark, List<FileEntry> files, int filesPerPartition) {
        int partitions = (int) Math.max(1, Math.min(files.size(),
                Math.max(2L * spark.defaultParallelism(), files.size() / Math.max(1, filesPerPartition))));
        Broadcast<SerializableConfiguration> hadoop = spark.broadcast(new SerializableConfiguration(spark.hadoopConfiguration()));
        // as (path, length) tuples: Spark's Kryo knows Scala's tuples, not Java records
        List<scala.Tuple2<String, Long>> pathsAndLengths = files.stream().map(f -> new scala.Tuple2<>(f.path(), f.length())).toList();
        return spark.parallelize(pathsAndLengths, partitions).map(file -> {
            Path path = new Path(file._1());
            try {
                byte[] content = "file".equals(path.toUri().getScheme()) ? readLocal(path, file._2()) : readHadoop(path, file._2(), hadoop.value().value());
                return RowFactory.create(file._1(), content, null);
            } catch (ChangedSinceListing e) {
                return RowFactory.create(file._1(), null, e.getMessage());
            } catch (IOException | RuntimeException e) { // gone, shrunk or unreadable since the listing
                return RowFactory.create(file._1(), null, UNREADABLE + ": " + e.getMessage());
            }
        });
    }

    /**
     * A local file, read only if it is still the regular file the listing saw: a link or a named pipe put in its
     * place since then would lead the job out of {@code --in} or block it for ever. The name is checked without
     * following links and opened with {@code O_NOFOLLOW}, and the bytes read must be exactly the size listed. (A
     * swap in the microseconds between the check and the open is not caught; the open still refuses a link.)
     * java.nio also costs a fraction of Hadoop's local filesystem per small file (no .crc lookup, no statistics).
     */
    static byte[] readLocal(Path path, long listedLength) throws IOException {
        java.nio.file.Path file = java.nio.file.Path.of(path.toUri());
        var now = java.nio.file.Files.readAttributes(file, java.nio.file.attribute.BasicFileAttributes.class,
                java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (now.isSymbolicLink()) {
            throw new ChangedSinceListing(LINK_NOT_FOLLOWED + ": became a link after the listing");
        }
        if (!now.isRegularFile()) {
            throw new ChangedSinceListing(NOT_A_FILE + ": replaced after the listing");
        }
        try (var channel = java.nio.file.Files.newByteChannel(file, java.nio.file.StandardOpenOption.READ,
                java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return readExactly(channel, listedLength);
        }
    }

    private static byte[] readExactly(java.nio.channels.SeekableByteChannel channel, long listedLength) throws IOException {
        java.nio.ByteBuffer content = java.nio.ByteBuffer.allocate(Math.toIntExact(listedLength));
        while (content.hasRemaining()) {
            if (channel.read(content) < 0) {
                throw new ChangedSinceListing(UNREADABLE + ": " + changedSize(content.position(), listedLength));
            }
        }
        if (channel.size() != listedLength) {
            throw new ChangedSinceListing(UNREADABLE + ": " + changedSize(channel.size(), listedLength));
        }
        return content.array();
    }

    private static String changedSize(long now, long listed) {
        return String.format(Locale.ROOT, "changed after the listing: %,d bytes, listed with %,d", now, listed);
    }

    /** A file on HDFS and the like (no links or pipes there to worry about): exactly the bytes listed. */
    private static byte[] readHadoop(Path path, long listedLength, org.apache.hadoop.conf.Configuration hadoop) throws IOException {
        try (FSDataInputStream in = path.getFileSystem(hadoop).open(path)) {
            byte[] content = new byte[Math.toIntExact(listedLength)];
            in.readFully(0, content);
            if (in.read(listedLength, new byte[1], 0, 1) > 0) {
                throw new ChangedSinceListing(UNREADABLE + ": changed after the listing: more than the "
                        + String.format(Locale.ROOT, "%,d", listedLength) + " bytes listed");
            }
            return content;
        }
    }

    /** A listed file that is no longer what the listing saw; its message is the row's whole error. */
    private static final class ChangedSinceListing extends IOException {
        ChangedSinceListing(String message) {
            super(message);
        }
    }

    /** One name in a folder; for a link, {@code directory}, {@code regular} and {@code length} are its target's. */
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
