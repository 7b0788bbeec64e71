package mrisr.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import mrisr.kernels.KernelInfo;
import mrisr.kernels.Parallel;

/**
 * What the benchmark ran on, for the first line of every report.
 *
 * @param cpu         CPU model ({@code model name} in {@code /proc/cpuinfo}), else the architecture
 * @param cores       processors the JVM sees
 * @param threads     kernel worker threads
 * @param vectorBits  bits of the kernels' float vector species
 * @param floatLanes  float lanes of that species
 * @param jdk         Java runtime version
 * @param kernels     {@link KernelInfo#describe()}
 */
record MachineInfo(String cpu, int cores, int threads, int vectorBits, int floatLanes, String jdk, String kernels) {

    /** This JVM's machine. */
    static MachineInfo current() {
        return new MachineInfo(cpuModel(Path.of("/proc/cpuinfo")), Runtime.getRuntime().availableProcessors(),
                Parallel.threads(), KernelInfo.species().vectorBitSize(), KernelInfo.species().length(),
                Runtime.version().toString(), KernelInfo.describe());
    }

    /** The first {@code model name} of a cpuinfo file, else {@code os.arch} when the file is missing or has none. */
    static String cpuModel(Path cpuinfo) {
        try {
            List<String> lines = Files.readAllLines(cpuinfo);
            for (String line : lines) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).trim().equals("model name")) {
                    String model = line.substring(colon + 1).trim();
                    if (!model.isEmpty()) return model;
                }
            }
        } catch (IOException | SecurityException e) {
            // no /proc (macOS, Windows) or not readable: fall back to the architecture
        }
        return System.getProperty("os.arch") + " CPU";
    }

    /**
     * One line: CPU, cores, threads, vector width, JDK, kernel path (the first clause of
     * {@link KernelInfo#describe()}; the rest of it repeats the other fields).
     */
    String line() {
        return "machine: " + cpu + "; " + cores + " cores; " + threads + " threads; vector " + vectorBits + "-bit ("
                + floatLanes + " float lanes); JDK " + jdk + "; " + kernels.split(";", 2)[0];
    }

    /** The same facts as JSON fields. */
    Map<String, Object> toJson() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("cpu", cpu);
        m.put("cores", cores);
        m.put("threads", threads);
        m.put("vector_bits", vectorBits);
        m.put("float_lanes", floatLanes);
        m.put("jdk", jdk);
        m.put("kernels", kernels);
        return m;
    }
}
