package org.example.ccaas;

/** The few JSON texts the contract writes, by hand (the shim's JSON library is runtime-only). */
final class Json {
    private Json() {
    }

    static String quote(final String s) {
        if (s == null) {
            return "null";
        }
        final StringBuilder sb = new StringBuilder("\"");
        for (int i = 0; i < s.length(); i++) {
            final char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        return sb.append('"').toString();
    }

    static String asset(final String id, final String value, final String owner) {
        return "{\"id\":" + quote(id) + ",\"value\":" + quote(value) + ",\"owner\":" + quote(owner) + "}";
    }

    /** The string value of a top-level field of an asset this contract wrote. */
    static String field(final String json, final String name) {
        final String marker = "\"" + name + "\":\"";
        final int at = json.indexOf(marker);
        if (at < 0) {
            return "";
        }
        final StringBuilder sb = new StringBuilder();
        for (int i = at + marker.length(); i < json.length(); i++) {
            final char c = json.charAt(i);
            if (c == '\\' && i + 1 < json.length()) {
                sb.append(json.charAt(++i));
            } else if (c == '"') {
                break;
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
