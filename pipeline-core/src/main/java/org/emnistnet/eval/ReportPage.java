package org.emnistnet.eval;

import org.emnistnet.artifact.EpochRecord;

import java.util.List;
import java.util.Map;

/** {@code report.html}: one self-contained page that references the PNG files beside it. */
final class ReportPage {
    private final StringBuilder html = new StringBuilder();

    private ReportPage() {
    }

    static String render(String title, Metrics metrics, Map<String, Object> provenance, List<EpochRecord> history,
                         boolean hasCurves, long unscored, long unlabelled) {
        ReportPage page = new ReportPage();
        page.html.append("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>").append(escape(title))
                .append("</title><style>body{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}"
                        + "table{border-collapse:collapse;margin:1em 0}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}"
                        + "th{background:#eef}td.l,th.l{text-align:left}img{max-width:100%}.big{font-size:1.4em}</style></head><body>");
        page.html.append("<h1>").append(escape(title)).append("</h1>");
        page.html.append(String.format("<p class=\"big\">accuracy <b>%.2f %%</b> &middot; top-%d %.2f %% &middot; macro F1 %.4f &middot; %d images</p>",
                100 * metrics.accuracy(), metrics.topK(), 100 * metrics.topKAccuracy(), metrics.macroF1(), metrics.total()));
        if (unscored > 0 || unlabelled > 0) {
            page.html.append(String.format("<p>%d labelled images could not be scored and %d predictions had no label; "
                    + "both are excluded from the metrics above.</p>", unscored, unlabelled));
        }
        if (hasCurves || !history.isEmpty()) {
            page.training(history, hasCurves);
        }
        page.html.append("<h2>Confusion matrix</h2><img src=\"confusion.png\" alt=\"confusion matrix\">");
        page.perClass(metrics);
        page.confusedPairs(metrics);
        page.html.append("<h2>Most confident mistakes</h2><img src=\"worst_errors.png\" alt=\"most confident mistakes\">");
        page.provenance(provenance);
        page.html.append("</body></html>\n");
        return page.html.toString();
    }

    private void training(List<EpochRecord> history, boolean hasCurves) {
        html.append("<h2>Training</h2>");
        if (hasCurves) {
            html.append("<img src=\"curves.png\" alt=\"training curves\">");
        }
        html.append("<table><tr><th>epoch</th><th>train loss</th><th>val loss</th><th>val accuracy</th><th>learning rate</th>"
                + "<th>images/s</th><th>seconds</th></tr>");
        for (EpochRecord e : history) {
            html.append(String.format("<tr><td>%d</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%.2e</td><td>%.0f</td><td>%.0f</td></tr>",
                    e.epoch(), e.trainLoss(), e.valLoss(), e.valAccuracy(), e.learningRate(), e.imagesPerS(), e.seconds()));
        }
        html.append("</table>");
    }

    private void perClass(Metrics metrics) {
        html.append("<h2>Per class</h2><table><tr><th class=\"l\">class</th><th>precision</th><th>recall</th><th>F1</th><th>support</th></tr>");
        for (int c = 0; c < metrics.classNames().size(); c++) {
            html.append(String.format("<tr><td class=\"l\">%s</td><td>%.4f</td><td>%.4f</td><td>%.4f</td><td>%d</td></tr>",
                    escape(metrics.classNames().get(c)), metrics.precision(c), metrics.recall(c), metrics.f1(c), metrics.support(c)));
        }
        html.append(String.format("<tr><th class=\"l\">macro</th><th>%.4f</th><th>%.4f</th><th>%.4f</th><th>%d</th></tr></table>",
                metrics.macroPrecision(), metrics.macroRecall(), metrics.macroF1(), metrics.total()));
    }

    private void confusedPairs(Metrics metrics) {
        html.append("<h2>Most confused pairs</h2><table><tr><th class=\"l\">true</th><th class=\"l\">predicted as</th><th>images</th></tr>");
        for (Metrics.ConfusedPair pair : metrics.mostConfused(10)) {
            html.append("<tr><td class=\"l\">").append(escape(pair.truth())).append("</td><td class=\"l\">")
                    .append(escape(pair.predicted())).append("</td><td>").append(pair.count()).append("</td></tr>");
        }
        html.append("</table>");
    }

    private void provenance(Map<String, Object> provenance) {
        html.append("<h2>Provenance</h2><table>");
        provenance.forEach((key, value) -> html.append("<tr><th class=\"l\">").append(escape(key))
                .append("</th><td class=\"l\"><code>").append(escape(String.valueOf(value))).append("</code></td></tr>"));
        html.append("</table>");
    }

    static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
