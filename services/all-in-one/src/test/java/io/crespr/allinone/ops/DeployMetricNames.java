package io.crespr.allinone.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.Yaml;

/**
 * The metric names the deployment files use: every PromQL expression of the Grafana dashboard
 * ({@code deploy/helm/crespr-stream/files/crespr-stream.json}, panels and variables) and of the
 * alerting rules ({@code files/alerts.yml}). A service's {@code /prometheus} scrape should offer
 * each of them (with histograms, {@code _bucket}, {@code _count}, {@code _sum} as written here).
 */
public final class DeployMetricNames {

    /** Words that are PromQL, not metric names. */
    private static final Set<String> KEYWORDS = Set.of(
            "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "offset",
            "and", "or", "unless", "atan2", "inf", "nan");

    private static final Pattern STRING = Pattern.compile("\"(?:[^\"\\\\]|\\\\.)*\"|'(?:[^'\\\\]|\\\\.)*'|`[^`]*`");
    private static final Pattern MATCHERS = Pattern.compile("\\{[^}]*}");
    private static final Pattern RANGE = Pattern.compile("\\[[^\\]]*]");
    private static final Pattern LABEL_LIST = Pattern.compile(
            "\\b(by|without|on|ignoring|group_left|group_right)\\s*\\([^)]*\\)");
    private static final Pattern OFFSET = Pattern.compile("\\boffset\\s+-?[0-9a-zA-Z_$]+|@\\s*[-0-9.a-z()]+");
    private static final Pattern IDENTIFIER = Pattern.compile("[$]?[a-zA-Z_:][a-zA-Z0-9_:]*");
    /** A Grafana variable query: label_values(metric, label) or label_values(label). */
    private static final Pattern LABEL_VALUES = Pattern.compile("\\s*label_values\\((.*)\\)\\s*");

    /** Series that Prometheus makes itself for every target; no service exports them. */
    private static final Set<String> SYNTHETIC = Set.of("up", "scrape_duration_seconds", "scrape_samples_scraped",
            "scrape_samples_post_metric_relabeling", "scrape_series_added");

    private DeployMetricNames() {
    }

    /**
     * The names of {@link #used()} that a service's {@code /prometheus} should expose: all but the
     * series Prometheus adds for each target ({@code up}, {@code scrape_*}).
     */
    public static SortedSet<String> exported() {
        SortedSet<String> names = used();
        names.removeAll(SYNTHETIC);
        return names;
    }

    /** Every metric name the dashboard and the alerting rules use, sorted. */
    public static SortedSet<String> used() {
        Path files = OpsTools.chart().resolve("files");
        SortedSet<String> names = new TreeSet<>();
        for (String expr : dashboardExpressions(files.resolve("crespr-stream.json"))) {
            names.addAll(extract(expr));
        }
        for (String expr : ruleExpressions(files.resolve("alerts.yml"))) {
            names.addAll(extract(expr));
        }
        return names;
    }

    /** The metric names in one PromQL expression (or Grafana variable query), as written. */
    public static SortedSet<String> extract(String promql) {
        String s = promql;
        Matcher lv = LABEL_VALUES.matcher(s);
        if (lv.matches()) {
            // label_values(metric, label) names a metric (with matchers, perhaps); label_values(label) none.
            String inner = lv.group(1);
            int comma = inner.lastIndexOf(',');
            s = comma < 0 ? "" : inner.substring(0, comma);
        }
        s = STRING.matcher(s).replaceAll(" ");
        s = MATCHERS.matcher(s).replaceAll(" ");
        s = RANGE.matcher(s).replaceAll(" ");
        s = LABEL_LIST.matcher(s).replaceAll(" ");
        s = OFFSET.matcher(s).replaceAll(" ");
        SortedSet<String> names = new TreeSet<>();
        Matcher m = IDENTIFIER.matcher(s);
        while (m.find()) {
            String word = m.group();
            if (word.startsWith("$") || KEYWORDS.contains(word)) {
                continue;
            }
            if (m.start() > 0 && Character.isDigit(s.charAt(m.start() - 1))) {
                continue; // the unit of a number such as 1e3 or a duration
            }
            int next = m.end();
            while (next < s.length() && Character.isWhitespace(s.charAt(next))) {
                next++;
            }
            if (next < s.length() && s.charAt(next) == '(') {
                continue; // a function or an aggregation
            }
            names.add(word);
        }
        return names;
    }

    /** The expressions of the dashboard's panels (rows included) and of its query variables. */
    static List<String> dashboardExpressions(Path dashboard) {
        try {
            JsonNode root = new ObjectMapper().readTree(Files.readString(dashboard));
            List<String> out = new ArrayList<>();
            collectPanels(root.path("panels"), out);
            for (JsonNode variable : root.path("templating").path("list")) {
                if ("query".equals(variable.path("type").asText())) {
                    JsonNode query = variable.path("query");
                    out.add(query.isObject() ? query.path("query").asText() : query.asText());
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void collectPanels(JsonNode panels, List<String> out) {
        for (JsonNode panel : panels) {
            for (JsonNode target : panel.path("targets")) {
                if (target.hasNonNull("expr")) {
                    out.add(target.get("expr").asText());
                }
            }
            collectPanels(panel.path("panels"), out);
        }
    }

    /** The expressions of a Prometheus rule file (alerting and recording rules). */
    @SuppressWarnings("unchecked")
    static List<String> ruleExpressions(Path rules) {
        try {
            Map<String, Object> root = new Yaml().load(Files.readString(rules));
            List<String> out = new ArrayList<>();
            for (Map<String, Object> group : (List<Map<String, Object>>) root.get("groups")) {
                for (Map<String, Object> rule : (List<Map<String, Object>>) group.get("rules")) {
                    out.add(String.valueOf(rule.get("expr")));
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
