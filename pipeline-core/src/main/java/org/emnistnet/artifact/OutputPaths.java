package org.emnistnet.artifact;

import org.apache.hadoop.fs.Path;
import org.emnistnet.UsageException;

import java.net.URI;

/**
 * Guards a job's inputs from its own output: an output that equals, contains or lies inside an input would, with
 * {@code --overwrite}, replace the data it was meant to read (or, nested, make it unreadable).
 */
public final class OutputPaths {
    private OutputPaths() {
    }

    /**
     * @param outputOption the option naming the output, for the message (e.g. {@code --out})
     * @param inputs       the job's input paths; nulls (options not given) are skipped
     */
    public static void checkApart(String outputOption, String output, String... inputs) {
        Path out = HadoopFiles.qualified(output);
        for (String input : inputs) {
            if (input == null) {
                continue;
            }
            Path in = HadoopFiles.qualified(input);
            String relation = out.equals(in) ? "is" : isInside(in, out) ? "contains" : isInside(out, in) ? "lies inside" : null;
            if (relation != null) {
                throw new UsageException(outputOption + " " + HadoopFiles.display(out) + " " + relation + " the input "
                        + HadoopFiles.display(in) + ": an output may not equal, contain or lie inside an input"
                        + " (it would overwrite the data it reads); choose another output");
            }
        }
    }

    /** True when {@code inner} is strictly below {@code outer} on the same filesystem. */
    static boolean isInside(Path inner, Path outer) {
        URI a = inner.toUri();
        URI b = outer.toUri();
        if (!java.util.Objects.equals(a.getScheme(), b.getScheme()) || !java.util.Objects.equals(a.getAuthority(), b.getAuthority())) {
            return false;
        }
        String outerPath = b.getPath().endsWith("/") ? b.getPath() : b.getPath() + "/";
        return a.getPath().startsWith(outerPath);
    }
}
