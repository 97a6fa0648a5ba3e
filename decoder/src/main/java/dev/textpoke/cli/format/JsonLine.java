package dev.textpoke.cli.format;

import java.util.List;
import java.util.Map;

/**
 * Builds one JSON object on one line, for {@code --json} output (JSON Lines: one object per
 * record, modification, site or run). Keys keep insertion order. Values: strings, numbers,
 * booleans, null, nested {@code JsonLine}s, lists and maps of those.
 *
 * <p>Unsigned 64-bit quantities (addresses, ids) are written with {@link #putUnsigned} so that
 * they are never negative; addresses meant for humans are better written as hex strings.
 */
public final class JsonLine {
    private final StringBuilder sb = new StringBuilder(128).append('{');
    private boolean first = true;

    private StringBuilder key(String key) {
        if (!first) {
            sb.append(',');
        }
        first = false;
        quote(sb, key);
        return sb.append(':');
    }

    public JsonLine put(String key, String value) {
        if (value == null) {
            key(key).append("null");
        } else {
            quote(key(key), value);
        }
        return this;
    }

    public JsonLine put(String key, long value) {
        key(key).append(value);
        return this;
    }

    public JsonLine put(String key, double value) {
        if (Double.isFinite(value)) {
            key(key).append(value);
        } else {
            key(key).append("null");
        }
        return this;
    }

    /** A 64-bit value printed as unsigned decimal. */
    public JsonLine putUnsigned(String key, long value) {
        key(key).append(Long.toUnsignedString(value));
        return this;
    }

    /** A 64-bit value as a {@code "0x..."} hex string. */
    public JsonLine putHex(String key, long value) {
        return put(key, "0x" + Long.toHexString(value));
    }

    public JsonLine put(String key, boolean value) {
        key(key).append(value);
        return this;
    }

    /** {@code true}, {@code false} or {@code null}. */
    public JsonLine put(String key, Boolean value) {
        key(key).append(value == null ? "null" : value.toString());
        return this;
    }

    public JsonLine putNull(String key) {
        key(key).append("null");
        return this;
    }

    public JsonLine put(String key, JsonLine nested) {
        key(key).append(nested.toString());
        return this;
    }

    /** A list of strings, numbers, booleans, nulls, {@code JsonLine}s, lists or maps. */
    public JsonLine put(String key, List<?> values) {
        value(key(key), values);
        return this;
    }

    public JsonLine put(String key, Map<String, ?> values) {
        value(key(key), values);
        return this;
    }

    /** Any value {@link #put(String, List)} accepts: a string, number, boolean, null, list, map or JsonLine. */
    public JsonLine putValue(String key, Object value) {
        value(key(key), value);
        return this;
    }

    private static void value(StringBuilder sb, Object v) {
        if (v == null) {
            sb.append("null");
        } else if (v instanceof String s) {
            quote(sb, s);
        } else if (v instanceof Number || v instanceof Boolean) {
            sb.append(v);
        } else if (v instanceof JsonLine j) {
            sb.append(j);
        } else if (v instanceof List<?> list) {
            sb.append('[');
            for (int i = 0; i < list.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                value(sb, list.get(i));
            }
            sb.append(']');
        } else if (v instanceof Map<?, ?> map) {
            sb.append('{');
            boolean firstEntry = true;
            for (Map.Entry<?, ?> e : map.entrySet()) {
                if (!firstEntry) {
                    sb.append(',');
                }
                firstEntry = false;
                quote(sb, String.valueOf(e.getKey()));
                sb.append(':');
                value(sb, e.getValue());
            }
            sb.append('}');
        } else {
            quote(sb, v.toString());
        }
    }

    private static StringBuilder quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        return sb.append('"');
    }

    @Override
    public String toString() {
        return sb + "}";
    }
}
