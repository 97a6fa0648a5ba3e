package dev.textpoke.scenario.spec;

import dev.textpoke.scenario.workload.Stmt;
import dev.textpoke.scenario.workload.Workload;
import java.util.List;
import java.util.Map;

/**
 * Writes a {@link Scenario} as a scenario file that {@link ScenarioParser} reads back to the same
 * scenario (used to save the scenarios {@code scenario fuzz} shrank). One statement per line.
 */
public final class ScenarioWriter {
    private ScenarioWriter() {}

    public static String write(Scenario s) {
        StringBuilder sb = new StringBuilder("{\n");
        sb.append("  \"scenario\": ").append(q(s.name())).append(",\n");
        if (!s.description().isEmpty()) {
            sb.append("  \"description\": ").append(q(s.description())).append(",\n");
        }
        sb.append("  \"seed\": ").append(s.seed()).append(",\n");
        sb.append("  \"duration\": ").append(s.duration()).append(",\n");
        if (s.patcher() != 0) {
            sb.append("  \"patcher\": ").append(s.patcher()).append(",\n");
        }
        if (!s.protocols().isEmpty()) {
            sb.append("  \"protocols\": [");
            for (int i = 0; i < s.protocols().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(q(s.protocols().get(i)));
            }
            sb.append("],\n");
        }
        Timing t = s.timing();
        if (!t.equals(Timing.defaults())) {
            sb.append("  \"timing\": {\"mtc\": ").append(t.mtc()).append(", \"mtc_period\": ").append(t.mtcPeriod())
                    .append(", \"cyc\": ").append(t.cyc()).append(", \"cyc_thresh\": ").append(t.cycThresh())
                    .append(", \"psb_period\": ").append(t.psbPeriod()).append(", \"return_compression\": ")
                    .append(t.returnCompression()).append(", \"etm_timestamp\": ").append(t.etmTimestampLevel())
                    .append(", \"etm_sync_bytes\": ").append(t.etmSyncBytes()).append(", \"jitter\": ").append(t.jitter())
                    .append("},\n");
        }
        sb.append("  \"functions\": {\n");
        int n = 0;
        for (Workload.Function f : s.workload().functions().values()) {
            sb.append("    ").append(q(f.name())).append(": ");
            body(sb, f.body(), "    ");
            sb.append(++n < s.workload().functions().size() ? ",\n" : "\n");
        }
        sb.append("  },\n");
        sb.append("  \"cpus\": [");
        for (int i = 0; i < s.workload().cpus().size(); i++) {
            sb.append(i == 0 ? "" : ", ").append(q(s.workload().cpus().get(i)));
        }
        sb.append("]");
        if (!s.workload().interrupts().isEmpty()) {
            sb.append(",\n  \"interrupts\": [\n");
            List<Workload.Irq> irqs = s.workload().interrupts();
            for (int i = 0; i < irqs.size(); i++) {
                Workload.Irq q = irqs.get(i);
                sb.append("    {\"cpu\": ").append(q.cpu());
                if (q.batch() >= 0) {
                    sb.append(", \"batch\": ").append(q.batch());
                }
                sb.append(", \"at\": ").append(q.at());
                if (q.every() > 0) {
                    sb.append(", \"every\": ").append(q.every());
                }
                sb.append(", \"handler\": ").append(q.handler() == null ? "null" : q(q.handler())).append('}');
                sb.append(i + 1 < irqs.size() ? ",\n" : "\n");
            }
            sb.append("  ]");
        }
        sb.append(",\n  \"schedule\": [");
        for (int i = 0; i < s.schedule().size(); i++) {
            ScheduleEntry e = s.schedule().get(i);
            sb.append(i == 0 ? "\n" : ",\n").append("    {\"at\": ").append(e.at()).append(", \"set\": {");
            int k = 0;
            for (Map.Entry<String, String> set : e.set().entrySet()) {
                KeyInfo info = s.keys().get(set.getKey());
                String v = info != null && info.kind().equals("static_call") ? q(set.getValue()) : set.getValue();
                sb.append(k++ == 0 ? "" : ", ").append(q(set.getKey())).append(": ").append(v);
            }
            sb.append("}}");
        }
        sb.append(s.schedule().isEmpty() ? "]\n" : "\n  ]\n");
        return sb.append("}\n").toString();
    }

    private static void body(StringBuilder sb, List<Stmt> body, String indent) {
        if (body.isEmpty()) {
            sb.append("[]");
            return;
        }
        sb.append("[\n");
        for (int i = 0; i < body.size(); i++) {
            sb.append(indent).append("  ");
            stmt(sb, body.get(i), indent + "  ");
            sb.append(i + 1 < body.size() ? ",\n" : "\n");
        }
        sb.append(indent).append(']');
    }

    private static void stmt(StringBuilder sb, Stmt s, String indent) {
        if (s instanceof Stmt.Work w) {
            sb.append("{\"work\": ").append(w.n()).append('}');
        } else if (s instanceof Stmt.Call c) {
            sb.append("{\"call\": ").append(q(c.function())).append('}');
        } else if (s instanceof Stmt.Loop l) {
            sb.append("{\"loop\": ").append(l.times()).append(", \"body\": ");
            body(sb, l.body(), indent);
            sb.append('}');
        } else if (s instanceof Stmt.If i) {
            sb.append("{\"if\": ").append(i.p()).append(", \"then\": ");
            body(sb, i.then(), indent);
            sb.append(", \"else\": ");
            body(sb, i.otherwise(), indent);
            sb.append('}');
        } else if (s instanceof Stmt.JumpLabel j) {
            sb.append("{\"jump_label\": ").append(q(j.key())).append(", \"bytes\": ").append(j.bytes()).append(", \"then\": ");
            body(sb, j.then(), indent);
            sb.append('}');
        } else if (s instanceof Stmt.Ftrace f) {
            sb.append("{\"ftrace\": ").append(q(f.key())).append('}');
        } else if (s instanceof Stmt.StaticCall sc) {
            sb.append("{\"static_call\": ").append(q(sc.key())).append(", \"targets\": [");
            for (int i = 0; i < sc.targets().size(); i++) {
                sb.append(i == 0 ? "" : ", ").append(q(sc.targets().get(i)));
            }
            sb.append("]}");
        }
    }

    private static String q(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"').toString();
    }
}
