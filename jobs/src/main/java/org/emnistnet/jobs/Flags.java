package org.emnistnet.jobs;

import org.emnistnet.Parameter;

import java.util.EnumMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The jobs' flag for each parameter the core's messages name ({@link Parameter}), and messages told in flags. */
final class Flags {
    private static final Map<Parameter, String> FLAG = new EnumMap<>(Map.ofEntries(
            Map.entry(Parameter.OVERWRITE, "--overwrite"), Map.entry(Parameter.WORK, "--work"),
            Map.entry(Parameter.IN, "--in"), Map.entry(Parameter.RUN, "--run"), Map.entry(Parameter.RESUME, "--resume"),
            Map.entry(Parameter.STAGING, "--staging"), Map.entry(Parameter.VAL_FRACTION, "--val-fraction"),
            Map.entry(Parameter.EPOCHS, "--epochs"), Map.entry(Parameter.BATCH_SIZE, "--batch"),
            Map.entry(Parameter.SEED, "--seed"), Map.entry(Parameter.MAX_LEARNING_RATE, "--max-lr"),
            Map.entry(Parameter.EMA_DECAY, "--ema-decay"), Map.entry(Parameter.TRAIN_LIMIT, "--limit"),
            Map.entry(Parameter.WORKERS, "--workers"), Map.entry(Parameter.BATCH_PER_WORKER, "--batch-per-worker"),
            Map.entry(Parameter.AVERAGING_FREQUENCY, "--averaging-frequency"),
            Map.entry(Parameter.SKIP_CHECKSUM, "--skip-checksum"), Map.entry(Parameter.FOLLOW_LINKS, "--follow-links"),
            Map.entry(Parameter.MAX_FILE_BYTES, "--max-file-bytes"), Map.entry(Parameter.TOP_K, "--top-k")));
    private static final Pattern MENTION = Pattern.compile("`(\\w+)`");

    private Flags() {
    }

    static String of(Parameter parameter) {
        return FLAG.get(parameter);
    }

    /** The parameter a flag sets, if the core's messages name it. */
    static java.util.Optional<Parameter> parameterOf(String flag) {
        return FLAG.entrySet().stream().filter(entry -> entry.getValue().equals(flag)).map(Map.Entry::getKey).findFirst();
    }

    /** {@code message} with each parameter it names ({@code `valFraction`}) as the jobs' flag ({@code --val-fraction}). */
    static String inFlags(String message) {
        if (message == null) {
            return null;
        }
        Matcher mention = MENTION.matcher(message);
        StringBuilder told = new StringBuilder();
        while (mention.find()) {
            String flag = null;
            for (Parameter parameter : Parameter.values()) {
                if (parameter.apiName().equals(mention.group(1))) {
                    flag = FLAG.get(parameter);
                }
            }
            mention.appendReplacement(told, Matcher.quoteReplacement(flag != null ? flag : mention.group()));
        }
        return mention.appendTail(told).toString();
    }
}
