package mrisr.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
    @Test
    void writesAndReadsBackNestedValues() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", "conv3d-1x32-64-fwd");
        m.put("median_ms", 12.5);
        m.put("runs", 7);
        m.put("gbps", Double.NaN);
        m.put("ok", true);
        m.put("list", Arrays.asList(1, "two", null));
        String text = Json.write(m, true);
        assertThat(text).contains("\"gbps\": null").contains("\"runs\": 7").contains("\"median_ms\": 12.5");
        Object back = Json.parse(text);
        assertThat(back).isInstanceOf(Map.class);
        @SuppressWarnings("unchecked")
        Map<String, Object> b = (Map<String, Object>) back;
        assertThat(b.get("gbps")).isNull();
        assertThat(b.get("list")).isEqualTo(Arrays.asList(1.0, "two", null));
        assertThat(b.get("runs")).isEqualTo(7.0);
        assertThat(b.get("id")).isEqualTo("conv3d-1x32-64-fwd");
        assertThat(b.get("ok")).isEqualTo(true);
        assertThat(b.keySet()).containsExactly("id", "median_ms", "runs", "gbps", "ok", "list");
    }

    @Test
    void numbersKeepSixSignificantDigits() {
        assertThat(Json.write(List.of(0.123456789, 1234567.891, 3.0, -2.5e-7), false))
                .isEqualTo("[0.123457,1234570,3,-0.00000025]");
    }

    @Test
    void escapesRoundTrip() {
        String s = "quote \" backslash \\ newline \n tab \t control \u0001 unicode é";
        assertThat(Json.parse(Json.write(s, false))).isEqualTo(s);
        assertThat(Json.parse("\"\\u00e9\\/\"")).isEqualTo("é/");
    }

    @Test
    void malformedTextNamesTheOffset() {
        assertThatThrownBy(() -> Json.parse("{\"a\": 1,}")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("offset 8");
        assertThatThrownBy(() -> Json.parse("[1, 2")).hasMessageContaining("end of input");
        assertThatThrownBy(() -> Json.parse("{} extra")).hasMessageContaining("expected end of input");
        assertThatThrownBy(() -> Json.parse("\"abc")).hasMessageContaining("closing quote");
        assertThatThrownBy(() -> Json.parse("-")).hasMessageContaining("a number");
    }
}
