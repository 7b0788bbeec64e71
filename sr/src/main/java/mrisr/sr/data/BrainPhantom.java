package mrisr.sr.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import mrisr.engine.Rng;
import mrisr.kernels.Parallel;

/**
 * The procedural brain phantom behind {@link Phantoms#brain}. All lengths are in hull units: 1 is
 * the brain's outer radius (≈ 72 mm for the default 160×192×160 mm field of view), so the object
 * depends only on the field of view, never on the voxel size.
 *
 * <p><b>Coordinates.</b> A voxel centre's {@link Phantoms#normalised} position {@code p ∈ (−1, 1)³}
 * is divided by the hull semi-axes {@code (0.86, 0.88, 0.80)} to give hull coordinates {@code q};
 * {@code r = |q|} and the direction {@code d = q/r}. A low-order random field {@code S(d)} (|S| ≤ 1)
 * deforms the head: radial surfaces are scaled by {@code s(d) = 1 + 0.035·S(d)} and compared with
 * {@code ρ = r/s}.
 *
 * <p><b>Cortex.</b> CSF fills {@code 0.95 < ρ < 1} (the subarachnoid layer); grey matter is the
 * ribbon {@code 0.914 < ρ < 0.95} (thickness 0.036 ≈ 2.6 mm) and white matter lies inside it. Sulci
 * are thin CSF sheets cut radially into the brain along the nodal lines of a seeded random wave
 * field on the sphere, {@code F(d) = Σ_{m<24} √(2/24)·cos(κ_m k̂_m·d + φ_m)} (unit variance,
 * wavenumbers κ ∈ [17, 23], so about one sulcus every 12 mm), from the surface down to a depth of
 * 0.14–0.28 (≈ 10–20 mm) that varies smoothly with {@code d}. With {@code δ} the distance to a sheet
 * — {@code |F|/|∇F|·r} along the sphere (the gradient floored at 3), combined with the distance
 * below the sheet's fundus — voxels within 0.008 of a sheet are CSF and those within a further
 * 0.036 grey matter, so each sulcus is a grey-matter fold of constant thickness around a CSF cleft
 * and the network of sulci encloses the gyri. The interhemispheric fissure is a sheet of the same
 * kind in the plane {@code q_x = 0} (CSF half-width 0.012), 0.45 deep above {@code d_z = −0.05},
 * vanishing smoothly towards {@code d_z = −0.45}. The direction-only fields are tabulated on a cube
 * map and interpolated (see {@link SphereTable}).
 *
 * <p><b>Deep structures</b> (fixed ellipsoids in hull coordinates): thalami and lentiform nuclei
 * (grey matter), lateral ventricles with their atria and the third ventricle (CSF), then 5–8 seeded
 * white-matter lesions of radius 0.025–0.06 (≈ 1.8–4.3 mm) placed away from the cortex, the
 * fissure, the ventricles, the nuclei and each other.
 *
 * <p><b>Partial volume.</b> Every boundary contributes a tissue fraction
 * {@code clamp(0.5 + δ/w, 0, 1)}, with {@code δ} the (first-order) signed distance to the boundary
 * and {@code w = Σ_a |n_a|·v_a} the width of the voxel box along the boundary normal {@code n}
 * ({@code v_a} the voxel size in hull units): a linear ramp across one voxel, which also handles
 * anisotropic voxels. Deep structures and lesions replace the tissue under them by their fraction.
 * The voxel value is {@code Σ fraction × intensity} ({@link Tissue#intensity()}), the label the class
 * with the largest fraction.
 *
 * <p><b>Head</b> ({@link Phantoms#head}): the same brain shrunk by {@code 1 + }{@value #HEAD_EXTENT}
 * inside the field of view, wrapped in the layers of a T1 head along the same deformed radius
 * {@code ρ}: CSF and dura (0.03 ≈ 1.7 mm), the skull's inner table, fatty diploë and outer table
 * (0.022, {@code 0.035·(1 + 0.5·T(d))}, 0.022), muscle and galea (0.025), subcutaneous fat
 * ({@code 0.055·(1 − 0.5·T(d))}) and skin (0.02), with {@code T} a seeded low-order field on the
 * sphere, so the diploë and the scalp fat vary in thickness around the head. Fat is the brightest
 * tissue, as in real T1 images, so the brain ends up near half of the maximum.
 *
 * <p><b>Contrast.</b> The image is multiplied by a bias field {@code exp(Σ c_α p^α)} over the
 * monomials of degree 1 and 2 (seeded, about ±15 %), then divided by its maximum.
 */
final class BrainPhantom {
    record Result(float[] image, float[] labels) {}

    /** How far the head's layers may reach beyond the brain, in hull units. */
    static final double HEAD_EXTENT = 0.25;
    private static final double[] HULL = {0.86, 0.88, 0.80};
    /** Head layers outwards from the brain (see the class comment). */
    private static final Tissue[] LAYERS = {Tissue.CSF, Tissue.BONE, Tissue.MARROW, Tissue.BONE, Tissue.MUSCLE, Tissue.FAT, Tissue.SKIN};
    private static final double[] LAYER_WIDTH = {0.03, 0.022, 0.035, 0.022, 0.025, 0.055, 0.02};
    /** How each layer's width follows the thickness field T: width·(1 + LAYER_SWING·T). */
    private static final double[] LAYER_SWING = {0, 0, 0.5, 0, 0, -0.5, 0};
    private static final double CROWN = 0.95;
    private static final double THICKNESS = 0.036;
    private static final double SULCUS_DEPTH_MIN = 0.14, SULCUS_DEPTH_MAX = 0.28, SULCUS_HALF_WIDTH = 0.008;
    private static final int FOLD_WAVES = 24;
    private static final double FOLD_K_MIN = 17, FOLD_K_MAX = 23, GRADIENT_FLOOR = 3;
    private static final double FISSURE_DEPTH = 0.45, FISSURE_HALF_WIDTH = 0.012, FISSURE_Z0 = -0.45, FISSURE_Z1 = -0.05;
    private static final int SHAPE_WAVES = 6;
    private static final double SHAPE_AMPLITUDE = 0.035;
    private static final double BIAS_LINEAR = 0.10, BIAS_QUADRATIC = 0.06;
    private static final Tissue[] TISSUES = Tissue.values();

    private final int nx, ny, nz;
    private final boolean head;
    /** The brain hull's semi-axes in normalised coordinates. */
    private final double[] hull;
    /** Voxel size in hull units along each axis. */
    private final double vx, vy, vz;
    private final SphereTable sphere;
    /** Hull radius beyond which every voxel is background. */
    private final double rMax;
    private final Ellipsoid[] deepGrey, ventricles, lesions;
    private final double[] bias;

    /** @param head whether to wrap the brain in the layers of a head (see the class comment) */
    BrainPhantom(int[] shape, long seed, boolean head) {
        nx = shape[0];
        ny = shape[1];
        nz = shape[2];
        this.head = head;
        hull = HULL.clone();
        if (head) for (int a = 0; a < 3; a++) hull[a] /= 1 + HEAD_EXTENT;
        // normalised coordinates advance by 2/n per voxel
        vx = 2.0 / nx / hull[0];
        vy = 2.0 / ny / hull[1];
        vz = 2.0 / nz / hull[2];
        Rng root = new Rng(seed);
        Rng foldRng = root.split(), shapeRng = root.split(), lesionRng = root.split(), biasRng = root.split(), layerRng = root.split();
        double[] foldK = new double[3 * FOLD_WAVES], foldPhase = new double[FOLD_WAVES];
        waves(foldRng, foldK, foldPhase, FOLD_K_MIN, FOLD_K_MAX);
        double[] depthK = new double[3 * SHAPE_WAVES], depthPhase = new double[SHAPE_WAVES];
        waves(foldRng, depthK, depthPhase, 3, 5);
        double[] shapeK = new double[3 * SHAPE_WAVES], shapePhase = new double[SHAPE_WAVES];
        waves(shapeRng, shapeK, shapePhase, 1.5, 2.5);
        double[] layerK = new double[3 * SHAPE_WAVES], layerPhase = new double[SHAPE_WAVES];
        waves(layerRng, layerK, layerPhase, 2, 4);
        sphere = new SphereTable(foldK, foldPhase, depthK, depthPhase, shapeK, shapePhase, layerK, layerPhase);
        rMax = (head ? (1 + HEAD_EXTENT) * (1 + SHAPE_AMPLITUDE) : 1 + SHAPE_AMPLITUDE) + Math.max(vx, Math.max(vy, vz));
        deepGrey = new Ellipsoid[] {
            new Ellipsoid(0.10, -0.10, -0.02, 0.085, 0.15, 0.10, 0, 0),
            new Ellipsoid(-0.10, -0.10, -0.02, 0.085, 0.15, 0.10, 0, 0),
            new Ellipsoid(0.25, 0.12, 0.02, 0.07, 0.20, 0.12, 0, -15),
            new Ellipsoid(-0.25, 0.12, 0.02, 0.07, 0.20, 0.12, 0, 15),
        };
        ventricles = new Ellipsoid[] {
            new Ellipsoid(0.11, 0.05, 0.16, 0.06, 0.36, 0.10, -18, 0),
            new Ellipsoid(-0.11, 0.05, 0.16, 0.06, 0.36, 0.10, 18, 0),
            new Ellipsoid(0.17, -0.28, 0.05, 0.05, 0.14, 0.10, 0, 25),
            new Ellipsoid(-0.17, -0.28, 0.05, 0.05, 0.14, 0.10, 0, -25),
            new Ellipsoid(0, -0.02, -0.04, 0.018, 0.16, 0.11, 0, 0),
        };
        lesions = placeLesions(lesionRng);
        bias = new double[9];
        for (int c = 0; c < 9; c++) bias[c] = biasRng.nextGaussian() * (c < 3 ? BIAS_LINEAR : BIAS_QUADRATIC);
    }

    /** Random plane waves on the sphere: unit directions scaled by κ ∈ [kMin, kMax], uniform phases. */
    private static void waves(Rng rng, double[] k, double[] phase, double kMin, double kMax) {
        for (int m = 0; m < phase.length; m++) {
            double z = 2 * rng.nextDouble() - 1, az = 2 * Math.PI * rng.nextDouble();
            double rxy = Math.sqrt(1 - z * z);
            double kappa = kMin + (kMax - kMin) * rng.nextDouble();
            k[3 * m] = kappa * rxy * Math.cos(az);
            k[3 * m + 1] = kappa * rxy * Math.sin(az);
            k[3 * m + 2] = kappa * z;
            phase[m] = 2 * Math.PI * rng.nextDouble();
        }
    }

    private Ellipsoid[] placeLesions(Rng rng) {
        int count = 5 + rng.nextInt(4);
        List<Ellipsoid> placed = new ArrayList<>();
        for (int attempt = 0; attempt < 4000 && placed.size() < count; attempt++) {
            double radius = 0.025 + 0.035 * rng.nextDouble();
            double cx = 1.4 * rng.nextDouble() - 0.7, cy = 1.4 * rng.nextDouble() - 0.7, cz = 1.4 * rng.nextDouble() - 0.7;
            double ax = radius * (0.8 + 0.45 * rng.nextDouble());
            double ay = radius * (0.8 + 0.45 * rng.nextDouble());
            double az = radius * (0.8 + 0.45 * rng.nextDouble());
            double extent = Math.max(ax, Math.max(ay, az));
            boolean ok = Math.sqrt(cx * cx + cy * cy + cz * cz) + extent < 0.58 && Math.abs(cx) > extent + 0.08;
            for (Ellipsoid e : deepGrey) ok &= e.clearOf(cx, cy, cz, extent + 0.04);
            for (Ellipsoid e : ventricles) ok &= e.clearOf(cx, cy, cz, extent + 0.03);
            for (Ellipsoid e : placed) ok &= e.clearOf(cx, cy, cz, extent + 0.03);
            if (ok) placed.add(new Ellipsoid(cx, cy, cz, ax, ay, az, 0, 0));
        }
        return placed.toArray(new Ellipsoid[0]);
    }

    Result render() {
        int n = nx * ny * nz;
        float[] image = new float[n], labels = new float[n];
        float[] sliceMax = new float[nx];
        Parallel.forRange(nx, 1, (lo, hi) -> {
            double[] frac = new double[TISSUES.length], dir = new double[SphereTable.CHANNELS];
            for (int i = lo; i < hi; i++) {
                double px = Phantoms.normalised(i, nx);
                float max = 0;
                for (int j = 0; j < ny; j++) {
                    double py = Phantoms.normalised(j, ny);
                    for (int k = 0; k < nz; k++) {
                        double pz = Phantoms.normalised(k, nz);
                        int idx = (i * ny + j) * nz + k;
                        tissueFractions(px / hull[0], py / hull[1], pz / hull[2], frac, dir);
                        double v = 0;
                        int label = 0;
                        for (Tissue t : TISSUES) {
                            v += frac[t.code()] * t.intensity();
                            if (frac[t.code()] > frac[label]) label = t.code();
                        }
                        float value = (float) (v * biasField(px, py, pz));
                        image[idx] = value;
                        labels[idx] = label;
                        if (value > max) max = value;
                    }
                }
                sliceMax[i] = max;
            }
        });
        float max = 0;
        for (float m : sliceMax) max = Math.max(max, m);
        if (max > 0) {
            float peak = max; // dividing in float maps the brightest voxel to exactly 1
            Parallel.forRange(n, 1 << 16, (lo, hi) -> {
                for (int i = lo; i < hi; i++) image[i] /= peak;
            });
        }
        return new Result(image, labels);
    }

    private double biasField(double x, double y, double z) {
        double e = bias[0] * x + bias[1] * y + bias[2] * z + bias[3] * x * x + bias[4] * y * y + bias[5] * z * z
                + bias[6] * x * y + bias[7] * y * z + bias[8] * x * z;
        return Math.exp(e);
    }

    /** Voxel box width along a unit normal (hull coordinates). */
    private double boxWidth(double nxDir, double nyDir, double nzDir) {
        return Math.abs(nxDir) * vx + Math.abs(nyDir) * vy + Math.abs(nzDir) * vz;
    }

    private static double ramp(double t) {
        return t <= -0.5 ? 0 : t >= 0.5 ? 1 : t + 0.5;
    }

    /** Fractions of each {@link Tissue} (indexed by code) in the voxel centred at hull position q. */
    private void tissueFractions(double qx, double qy, double qz, double[] frac, double[] dir) {
        Arrays.fill(frac, 0);
        double r = Math.sqrt(qx * qx + qy * qy + qz * qz);
        if (r >= rMax) {
            frac[Tissue.BACKGROUND.code()] = 1;
            return;
        }
        double dx = 0, dy = 0, dz = 1;
        if (r > 0) {
            dx = qx / r;
            dy = qy / r;
            dz = qz / r;
        }
        sphere.lookup(dx, dy, dz, dir);
        double s = 1 + SHAPE_AMPLITUDE * dir[SphereTable.SHAPE];
        double rho = r / s;
        double w = boxWidth(dx, dy, dz);
        double brain = ramp((1 - rho) * s / w);
        if (brain == 0) {
            outside(rho, s, w, dir, 0, frac);
            return;
        }
        double insidePial = ramp((CROWN - rho) * s / w);
        double insideCore = ramp((CROWN - THICKNESS - rho) * s / w);

        // sulcal sheets: fractions of sheet CSF and of sheet CSF plus its grey-matter lining
        double sheetCsf = 0, sheetLined = 0;
        if (dz > FISSURE_Z0) {
            double t = Math.min(1, (dz - FISSURE_Z0) / (FISSURE_Z1 - FISSURE_Z0));
            double fundus = (CROWN - FISSURE_DEPTH * t * t * (3 - 2 * t)) * s;
            double below = Math.max(0, fundus - r);
            double dist = Math.sqrt(qx * qx + below * below);
            sheetCsf = ramp((FISSURE_HALF_WIDTH - dist) / vx);
            sheetLined = ramp((FISSURE_HALF_WIDTH + THICKNESS - dist) / vx);
        }
        double reach = (CROWN - SULCUS_DEPTH_MAX - THICKNESS - SULCUS_HALF_WIDTH) * s;
        if (r + w > reach) {
            double f = dir[SphereTable.FOLD];
            double gx = dir[SphereTable.GRAD_X], gy = dir[SphereTable.GRAD_Y], gz = dir[SphereTable.GRAD_Z];
            double g = Math.sqrt(gx * gx + gy * gy + gz * gz);
            // distance along the sphere of radius r to the nodal line F = 0, and below the fundus
            double along = Math.abs(f) / Math.sqrt(g * g + GRADIENT_FLOOR * GRADIENT_FLOOR) * r;
            double depth = SULCUS_DEPTH_MIN + (SULCUS_DEPTH_MAX - SULCUS_DEPTH_MIN) * (0.5 + 0.5 * dir[SphereTable.DEPTH]);
            double below = Math.max(0, (CROWN - depth) * s - r);
            double dist = Math.sqrt(along * along + below * below);
            double wn = g > 0 ? boxWidth(gx / g, gy / g, gz / g) : w;
            sheetCsf = Math.max(sheetCsf, ramp((SULCUS_HALF_WIDTH - dist) / wn));
            sheetLined = Math.max(sheetLined, ramp((SULCUS_HALF_WIDTH + THICKNESS - dist) / wn));
        }
        double tissue = Math.min(insidePial, 1 - sheetCsf);
        double wm = Math.min(insideCore, 1 - sheetLined);
        outside(rho, s, w, dir, brain, frac);
        frac[Tissue.CSF.code()] += brain - tissue;
        frac[Tissue.GREY_MATTER.code()] = tissue - wm;
        frac[Tissue.WHITE_MATTER.code()] = wm;

        overlay(deepGrey, qx, qy, qz, frac, Tissue.GREY_MATTER);
        overlay(ventricles, qx, qy, qz, frac, Tissue.CSF);
        overlay(lesions, qx, qy, qz, frac, Tissue.LESION);
    }

    /**
     * The fractions outside the brain of a voxel at deformed radius {@code rho} whose brain fraction
     * is {@code brain}: background, or for a head its layers (each the difference of two nested
     * partial-volume ramps) and the background beyond them.
     */
    private void outside(double rho, double s, double w, double[] dir, double brain, double[] frac) {
        double inside = brain;
        if (head) {
            double radius = 1;
            for (int l = 0; l < LAYERS.length; l++) {
                radius += LAYER_WIDTH[l] * (1 + LAYER_SWING[l] * dir[SphereTable.LAYER]);
                double next = ramp((radius - rho) * s / w);
                frac[LAYERS[l].code()] += next - inside;
                inside = next;
            }
        }
        frac[Tissue.BACKGROUND.code()] = 1 - inside;
    }

    /** Replaces the tissue under a set of ellipsoids by {@code tissue}, by the largest covered fraction. */
    private void overlay(Ellipsoid[] set, double qx, double qy, double qz, double[] frac, Tissue tissue) {
        double cover = 0;
        for (Ellipsoid e : set) cover = Math.max(cover, e.fraction(qx, qy, qz, this));
        if (cover == 0) return;
        for (int c = 0; c < frac.length; c++) frac[c] *= 1 - cover;
        frac[tissue.code()] += cover;
    }

    /**
     * The direction-only fields, tabulated on a cube map of {@value #RES}² nodes per face and
     * interpolated bilinearly: the folding field F with its tangential gradient, the low-order shape
     * field S, the sulcal-depth field and the head's layer-thickness field T. Nodes on shared face
     * edges are the same directions, so the interpolant is continuous over the sphere. The table does
     * not depend on the grid, so every grid over the same field of view samples the same object.
     */
    private static final class SphereTable {
        static final int RES = 192;
        static final int FOLD = 0, GRAD_X = 1, GRAD_Y = 2, GRAD_Z = 3, SHAPE = 4, DEPTH = 5, LAYER = 6, CHANNELS = 7;
        private final double[] table = new double[6 * RES * RES * CHANNELS];

        SphereTable(double[] foldK, double[] foldPhase, double[] depthK, double[] depthPhase, double[] shapeK, double[] shapePhase,
                double[] layerK, double[] layerPhase) {
            Parallel.forRange(6 * RES, 8, (lo, hi) -> {
                double[] d = new double[3];
                for (int row = lo; row < hi; row++) {
                    int face = row / RES, iv = row % RES;
                    for (int iu = 0; iu < RES; iu++) {
                        direction(face, -1 + 2.0 * iu / (RES - 1), -1 + 2.0 * iv / (RES - 1), d);
                        int at = (row * RES + iu) * CHANNELS;
                        fold(foldK, foldPhase, d, table, at);
                        table[at + SHAPE] = lowOrder(shapeK, shapePhase, d);
                        table[at + DEPTH] = lowOrder(depthK, depthPhase, d);
                        table[at + LAYER] = lowOrder(layerK, layerPhase, d);
                    }
                }
            });
        }

        private static void direction(int face, double u, double v, double[] d) {
            double x, y, z;
            switch (face) {
                case 0 -> { x = 1; y = u; z = v; }
                case 1 -> { x = -1; y = u; z = v; }
                case 2 -> { x = u; y = 1; z = v; }
                case 3 -> { x = u; y = -1; z = v; }
                case 4 -> { x = u; y = v; z = 1; }
                default -> { x = u; y = v; z = -1; }
            }
            double norm = Math.sqrt(x * x + y * y + z * z);
            d[0] = x / norm;
            d[1] = y / norm;
            d[2] = z / norm;
        }

        /** F(d) = Σ √(2/M)·cos(k·d + φ) and its gradient projected onto the tangent plane at d. */
        private static void fold(double[] k, double[] phase, double[] d, double[] out, int at) {
            double f = 0, gx = 0, gy = 0, gz = 0;
            for (int m = 0; m < phase.length; m++) {
                double kx = k[3 * m], ky = k[3 * m + 1], kz = k[3 * m + 2];
                double arg = kx * d[0] + ky * d[1] + kz * d[2] + phase[m];
                f += Math.cos(arg);
                double sn = Math.sin(arg);
                gx -= sn * kx;
                gy -= sn * ky;
                gz -= sn * kz;
            }
            double amp = Math.sqrt(2.0 / phase.length);
            double radial = gx * d[0] + gy * d[1] + gz * d[2];
            out[at + FOLD] = amp * f;
            out[at + GRAD_X] = amp * (gx - radial * d[0]);
            out[at + GRAD_Y] = amp * (gy - radial * d[1]);
            out[at + GRAD_Z] = amp * (gz - radial * d[2]);
        }

        /** A sum of a few plane waves divided by their count: |value| ≤ 1. */
        private static double lowOrder(double[] k, double[] phase, double[] d) {
            double f = 0;
            for (int m = 0; m < phase.length; m++) f += Math.cos(k[3 * m] * d[0] + k[3 * m + 1] * d[1] + k[3 * m + 2] * d[2] + phase[m]);
            return f / phase.length;
        }

        /** Bilinear interpolation of every channel at unit direction d. */
        void lookup(double dx, double dy, double dz, double[] out) {
            double ax = Math.abs(dx), ay = Math.abs(dy), az = Math.abs(dz);
            int face;
            double u, v;
            if (ax >= ay && ax >= az) {
                face = dx > 0 ? 0 : 1;
                u = dy / ax;
                v = dz / ax;
            } else if (ay >= az) {
                face = dy > 0 ? 2 : 3;
                u = dx / ay;
                v = dz / ay;
            } else {
                face = dz > 0 ? 4 : 5;
                u = dx / az;
                v = dy / az;
            }
            double fu = (u + 1) * 0.5 * (RES - 1), fv = (v + 1) * 0.5 * (RES - 1);
            int iu = Math.min(RES - 2, Math.max(0, (int) fu)), iv = Math.min(RES - 2, Math.max(0, (int) fv));
            double tu = fu - iu, tv = fv - iv;
            int a00 = ((face * RES + iv) * RES + iu) * CHANNELS, a01 = a00 + CHANNELS;
            int a10 = a00 + RES * CHANNELS, a11 = a10 + CHANNELS;
            for (int c = 0; c < CHANNELS; c++) {
                double bottom = table[a00 + c] + tu * (table[a01 + c] - table[a00 + c]);
                double top = table[a10 + c] + tu * (table[a11 + c] - table[a10 + c]);
                out[c] = bottom + tv * (top - bottom);
            }
        }
    }

    /** An ellipsoid in hull coordinates, rotated about y then z (degrees). */
    private static final class Ellipsoid {
        private final double cx, cy, cz, ax, ay, az, bound;
        private final double[] rot; // row-major, maps (q − c) to the ellipsoid's axes

        Ellipsoid(double cx, double cy, double cz, double ax, double ay, double az, double aboutYDeg, double aboutZDeg) {
            this.cx = cx;
            this.cy = cy;
            this.cz = cz;
            this.ax = ax;
            this.ay = ay;
            this.az = az;
            this.bound = Math.max(ax, Math.max(ay, az));
            double b = Math.toRadians(aboutYDeg), g = Math.toRadians(aboutZDeg);
            double cb = Math.cos(b), sb = Math.sin(b), cg = Math.cos(g), sg = Math.sin(g);
            // R = Ry(b)ᵀ·Rz(g)ᵀ: undo the z rotation, then the y rotation
            rot = new double[] {
                cb * cg, cb * sg, -sb,
                -sg, cg, 0,
                sb * cg, sb * sg, cb,
            };
        }

        /** Whether the point (x, y, z) lies outside this ellipsoid grown by {@code margin} along each semi-axis. */
        boolean clearOf(double x, double y, double z, double margin) {
            double ex = x - cx, ey = y - cy, ez = z - cz;
            double lx = (rot[0] * ex + rot[1] * ey + rot[2] * ez) / (ax + margin);
            double ly = (rot[3] * ex + rot[4] * ey + rot[5] * ez) / (ay + margin);
            double lz = (rot[6] * ex + rot[7] * ey + rot[8] * ez) / (az + margin);
            return lx * lx + ly * ly + lz * lz > 1;
        }

        /** Covered fraction of the voxel at q: a one-voxel ramp across the (first-order) surface distance. */
        double fraction(double qx, double qy, double qz, BrainPhantom ph) {
            double ex = qx - cx, ey = qy - cy, ez = qz - cz;
            double reach = bound + 2 * Math.max(ph.vx, Math.max(ph.vy, ph.vz));
            if (ex * ex + ey * ey + ez * ez > reach * reach) return 0;
            double lx = (rot[0] * ex + rot[1] * ey + rot[2] * ez) / ax;
            double ly = (rot[3] * ex + rot[4] * ey + rot[5] * ez) / ay;
            double lz = (rot[6] * ex + rot[7] * ey + rot[8] * ez) / az;
            double rho = Math.sqrt(lx * lx + ly * ly + lz * lz);
            if (rho == 0) return 1;
            // ∇ρ in the ellipsoid frame, then back to hull coordinates with Rᵀ
            double gx = lx / ax / rho, gy = ly / ay / rho, gz = lz / az / rho;
            double hx = rot[0] * gx + rot[3] * gy + rot[6] * gz;
            double hy = rot[1] * gx + rot[4] * gy + rot[7] * gz;
            double hz = rot[2] * gx + rot[5] * gy + rot[8] * gz;
            double norm = Math.sqrt(hx * hx + hy * hy + hz * hz);
            double distance = (1 - rho) / norm;
            return ramp(distance / ph.boxWidth(hx / norm, hy / norm, hz / norm));
        }
    }
}
