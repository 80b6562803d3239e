package org.emnistnet.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Classification metrics from a confusion matrix ({@code confusion[truth][predicted]} counts): accuracy,
 * per-class precision, recall, F1 and support, their macro averages, top-k accuracy and the most-confused pairs.
 * A class that is never predicted has precision 0 (and F1 0), as scikit-learn's {@code zero_division=0}.
 */
public record Metrics(List<String> classNames, long[][] confusion, long topKHits, int topK) {

    public long total() {
        long total = 0;
        for (long[] row : confusion) {
            for (long count : row) {
                total += count;
            }
        }
        return total;
    }

    public long correct() {
        long correct = 0;
        for (int c = 0; c < confusion.length; c++) {
            correct += confusion[c][c];
        }
        return correct;
    }

    public double accuracy() {
        return ratio(correct(), total());
    }

    public double topKAccuracy() {
        return ratio(topKHits, total());
    }

    public long support(int c) {
        long support = 0;
        for (long count : confusion[c]) {
            support += count;
        }
        return support;
    }

    public long predicted(int c) {
        long predicted = 0;
        for (long[] row : confusion) {
            predicted += row[c];
        }
        return predicted;
    }

    public double precision(int c) {
        return ratio(confusion[c][c], predicted(c));
    }

    public double recall(int c) {
        return ratio(confusion[c][c], support(c));
    }

    public double f1(int c) {
        double p = precision(c);
        double r = recall(c);
        return p + r == 0 ? 0 : 2 * p * r / (p + r);
    }

    public double macroPrecision() {
        return macro(this::precision);
    }

    public double macroRecall() {
        return macro(this::recall);
    }

    public double macroF1() {
        return macro(this::f1);
    }

    public record ConfusedPair(String truth, String predicted, long count) {
    }

    /** Off-diagonal cells, largest first. */
    public List<ConfusedPair> mostConfused(int limit) {
        List<ConfusedPair> pairs = new ArrayList<>();
        for (int t = 0; t < confusion.length; t++) {
            for (int p = 0; p < confusion.length; p++) {
                if (t != p && confusion[t][p] > 0) {
                    pairs.add(new ConfusedPair(classNames.get(t), classNames.get(p), confusion[t][p]));
                }
            }
        }
        pairs.sort(Comparator.comparingLong(ConfusedPair::count).reversed());
        return pairs.subList(0, Math.min(limit, pairs.size()));
    }

    /** The metrics as metrics.json has them. */
    public Map<String, Object> toMap() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("images", total());
        map.put("accuracy", accuracy());
        map.put("top" + topK + "_accuracy", topKAccuracy());
        map.put("macro_precision", macroPrecision());
        map.put("macro_recall", macroRecall());
        map.put("macro_f1", macroF1());
        List<Map<String, Object>> perClass = new ArrayList<>();
        for (int c = 0; c < classNames.size(); c++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("class", classNames.get(c));
            row.put("precision", precision(c));
            row.put("recall", recall(c));
            row.put("f1", f1(c));
            row.put("support", support(c));
            perClass.add(row);
        }
        map.put("per_class", perClass);
        map.put("class_names", classNames);
        map.put("confusion_matrix", confusion);
        map.put("most_confused", mostConfused(10));
        return map;
    }

    private double macro(java.util.function.IntToDoubleFunction perClass) {
        double sum = 0;
        for (int c = 0; c < classNames.size(); c++) {
            sum += perClass.applyAsDouble(c);
        }
        return sum / classNames.size();
    }

    private static double ratio(long numerator, long denominator) {
        return denominator == 0 ? 0 : (double) numerator / denominator;
    }
}
