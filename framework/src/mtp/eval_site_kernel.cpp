// Per-atom MTP math.  Notation: neighbour j of the central atom i has r_j = |r_ij|, u_j = r_ij/r_j,
// radial functions f_μ(r) = Σ_β C[z_i, z_j, μ, β] Q_β(r); monomial g_m(u) = u_x^a u_y^b u_z^c of degree
// k = a+b+c.  A basic moment is M_{μ,m} = Σ_j f_μ(r_j) g_m(u_j); its gradient in r_ij is
//   ∇ [f g] = f' g u + (f / r) (∇_u g − k g u),
// and since g is homogeneous, k g = u·∇_u g.  Sums over basic moments with weights W (adjoints)
// therefore only need, per neighbour and μ, S = Σ_m W_m g_m and G = Σ_m W_m ∇_u g_m, where the
// components of ∇_u g_m are (a+1)-weighted monomials one degree lower: every per-neighbour sum is
// a dot product of a weight vector with monomial rows, contiguous over neighbours.
#include "eval_site_kernel.hpp"

#include <algorithm>

namespace mtpc {

namespace {

template <class V>
void grow(V& v, std::size_t size) {
    if (v.size() < size) v.resize(size);
}

}  // namespace

void MtpModel::Workspace::reserve(const MtpModel& m, int nn) {
    const std::size_t n = std::size_t(std::max(nn, 1));
    for (auto* v : {&r, &inv_r, &ux, &uy, &uz, &ud, &t0, &t1, &t2, &t3, &t4, &t5, &acc_a, &acc_x, &acc_y, &acc_z})
        grow(*v, n);
    grow(zj, n);
    grow(q, n * m.n_basis_);
    grow(dq, n * m.n_basis_);
    grow(f, n * m.n_funcs_);
    grow(df, n * m.n_funcs_);
    grow(mono, n * m.mono_degree_.size());
    for (auto* v : {&slots, &slot_w, &dslots, &slot_dw}) grow(*v, std::size_t(m.n_slots_));
    for (auto* v : {&moments, &adj, &dmoments, &dadj}) grow(*v, std::size_t(m.n_moments_));
}

void SiteKernel::load(MtpModel::Workspace& w, const NeighborList& nl, int i, const int* types,
                      const MtpParameters& p) const {
    const MtpModel& M = model;
    const int n = nl.count(i);
    const int b = nl.begin(i);
    w.reserve(M, n);
    w.n = n;
    w.zi = types[i];
    w.dx = nl.dx().data() + b;
    w.dy = nl.dy().data() + b;
    w.dz = nl.dz().data() + b;
    const int nT = M.n_species_, nF = M.n_funcs_, nB = M.n_basis_;
    const int* idx = nl.index().data() + b;
    const double* dist = nl.distance().data() + b;
    for (int j = 0; j < n; ++j) {
        const double r = dist[j], ir = 1.0 / r;
        w.r[j] = r;
        w.inv_r[j] = ir;
        w.ux[j] = w.dx[j] * ir;
        w.uy[j] = w.dy[j] * ir;
        w.uz[j] = w.dz[j] * ir;
        const int zj = types[idx[j]];
        w.zj[j] = zj;
        double* q = &w.q[std::size_t(j) * nB];
        double* dq = &w.dq[std::size_t(j) * nB];
        M.basis_.evaluate(r, q, dq);
        // f_μ once per neighbour (MLIP-2 recomputes it for every basic moment).
        const double* c = p.radial_coeffs + std::size_t(w.zi * nT + zj) * nF * nB;
        for (int mu = 0; mu < nF; ++mu) {
            double v = 0, dv = 0;
            for (int beta = 0; beta < nB; ++beta) {
                v += c[mu * nB + beta] * q[beta];
                dv += c[mu * nB + beta] * dq[beta];
            }
            w.f[std::size_t(mu) * n + j] = v;
            w.df[std::size_t(mu) * n + j] = dv;
        }
    }
    // Monomial rows: each is its parent row times one unit-vector component.
    double* mono = w.mono.data();
    std::fill(mono, mono + n, 1.0);
    const double* axis_rows[3] = {w.ux.data(), w.uy.data(), w.uz.data()};
    const int n_mono = int(M.mono_degree_.size());
    for (int m = 1; m < n_mono; ++m) {
        const double* parent = mono + std::size_t(M.mono_parent_[m]) * n;
        const double* u = axis_rows[M.mono_axis_[m]];
        double* row = mono + std::size_t(m) * n;
#pragma omp simd
        for (int j = 0; j < n; ++j) row[j] = parent[j] * u[j];
    }
}

void SiteKernel::moments(MtpModel::Workspace& w) const {
    const MtpModel& M = model;
    const int n = w.n;
    for (int mu = 0; mu < M.n_funcs_; ++mu) {
        const double* f = &w.f[std::size_t(mu) * n];
        double* out = &w.slots[M.slot_offset_[mu]];
        for (int m = 0; m < M.prefix_[mu]; ++m) {
            const double* row = &w.mono[std::size_t(m) * n];
            double s = 0;
#pragma omp simd reduction(+ : s)
            for (int j = 0; j < n; ++j) s += row[j] * f[j];
            out[m] = s;
        }
    }
    double* mom = w.moments.data();
    const int n_basic = int(M.basic_slot_.size());
    for (int i = 0; i < n_basic; ++i) mom[i] = w.slots[M.basic_slot_[i]];
    std::fill(mom + n_basic, mom + M.n_moments_, 0.0);
    const std::size_t nt = M.times_t_.size();
    const int *ti = M.times_i_.data(), *tj = M.times_j_.data(), *tt = M.times_t_.data();
    const double* tk = M.times_k_.data();
    for (std::size_t e = 0; e < nt; ++e) mom[tt[e]] += tk[e] * mom[ti[e]] * mom[tj[e]];
}

double SiteKernel::site_energy(const MtpModel::Workspace& w, const MtpParameters& p) const {
    double e = p.species_coeffs[w.zi];
    const int S = int(model.mapping_.size());
    for (int s = 0; s < S; ++s) e += p.moment_coeffs[s] * w.moments[model.mapping_[s]];
    return e;
}

namespace {

/// out[j] = Σ_{m<count} weight(m) · mono[m][j], skipping zero weights (many slots are unused).
template <class Weight>
void weighted_rows(const double* mono, int n, int count, Weight weight, double* out) {
    std::fill(out, out + n, 0.0);
    for (int m = 0; m < count; ++m) {
        const double c = weight(m);
        if (c == 0) continue;
        const double* row = mono + std::size_t(m) * n;
#pragma omp simd
        for (int j = 0; j < n; ++j) out[j] += c * row[j];
    }
}

}  // namespace

void SiteKernel::site_forces(MtpModel::Workspace& w, const MtpParameters& p, double* grad) const {
    const MtpModel& M = model;
    const int n = w.n;
    // Reverse pass: adjoints of all moments for E_i, then of the basic ones on their slots.
    double* adj = w.adj.data();
    std::fill(adj, adj + M.n_moments_, 0.0);
    for (std::size_t s = 0; s < M.mapping_.size(); ++s) adj[M.mapping_[s]] += p.moment_coeffs[s];
    const double* mom = w.moments.data();
    for (std::size_t e = M.times_t_.size(); e-- > 0;) {
        const double a = M.times_k_[e] * adj[M.times_t_[e]];
        if (a == 0) continue;
        adj[M.times_i_[e]] += a * mom[M.times_j_[e]];
        adj[M.times_j_[e]] += a * mom[M.times_i_[e]];
    }
    double* sw = w.slot_w.data();
    std::fill(sw, sw + M.n_slots_, 0.0);
    for (std::size_t i = 0; i < M.basic_slot_.size(); ++i) sw[M.basic_slot_[i]] += adj[i];

    // Per neighbour: a = Σ_μ f'_μ S_μ, V = Σ_μ f_μ G_μ; then ∂E/∂r = a u + (V − (u·V) u) / r.
    double *a = w.acc_a.data(), *vx = w.acc_x.data(), *vy = w.acc_y.data(), *vz = w.acc_z.data();
    std::fill(a, a + n, 0.0);
    std::fill(vx, vx + n, 0.0);
    std::fill(vy, vy + n, 0.0);
    std::fill(vz, vz + n, 0.0);
    double *S = w.t0.data(), *Gx = w.t1.data(), *Gy = w.t2.data(), *Gz = w.t3.data();
    const double* mono = w.mono.data();
    for (int mu = 0; mu < M.n_funcs_; ++mu) {
        const double* W = sw + M.slot_offset_[mu];
        const double* f = &w.f[std::size_t(mu) * n];
        const double* df = &w.df[std::size_t(mu) * n];
        weighted_rows(mono, n, M.prefix_[mu], [&](int m) { return W[m]; }, S);
#pragma omp simd
        for (int j = 0; j < n; ++j) a[j] += df[j] * S[j];
        const int low = M.lower_prefix_[mu];
        if (low == 0) continue;
        const auto& pw = M.mono_powers_;
        weighted_rows(mono, n, low, [&](int m) { return W[M.mono_raise_[0][m]] * (pw[m][0] + 1); }, Gx);
        weighted_rows(mono, n, low, [&](int m) { return W[M.mono_raise_[1][m]] * (pw[m][1] + 1); }, Gy);
        weighted_rows(mono, n, low, [&](int m) { return W[M.mono_raise_[2][m]] * (pw[m][2] + 1); }, Gz);
#pragma omp simd
        for (int j = 0; j < n; ++j) {
            vx[j] += f[j] * Gx[j];
            vy[j] += f[j] * Gy[j];
            vz[j] += f[j] * Gz[j];
        }
    }
    for (int j = 0; j < n; ++j) {
        const double ux = w.ux[j], uy = w.uy[j], uz = w.uz[j];
        const double uv = ux * vx[j] + uy * vy[j] + uz * vz[j];
        const double ir = w.inv_r[j];
        grad[3 * j + 0] = a[j] * ux + (vx[j] - uv * ux) * ir;
        grad[3 * j + 1] = a[j] * uy + (vy[j] - uv * uy) * ir;
        grad[3 * j + 2] = a[j] * uz + (vz[j] - uv * uz) * ir;
    }
}

// Objective of the site ℓ = α E_i + Ė_i with Ė_i = Σ_j ∇_{r_ij} E_i · d_j, the derivative of E_i
// along the displacement field d.  Forward mode carries (moment, its derivative) through basic
// moments and the times graph; reverse mode then accumulates adjoints of both parts:
//   basic:  ṁ = Σ_j [ f' g (u·d) + (f/r)(∇_u g·d − k g (u·d)) ]
//   times:  t += k x y,  ṫ += k (ẋ y + x ẏ)
// and ∂/∂C[z_i,z_j,μ,β] of a basic moment and of its derivative replace f, f' by Q_β, Q'_β.
void SiteKernel::site_parameter_gradient(MtpModel::Workspace& w, const MtpParameters& p, double alpha,
                                         const double* d, const MtpGradient& g) const {
    if (d != nullptr) moment_derivatives(w, d);
    linear_parameter_gradient(w, alpha, d != nullptr, g);
    if (!g.radial_coeffs) return;
    slot_adjoints(w, p, alpha, d != nullptr);
    radial_gradient(w, d, g.radial_coeffs);
}

// Forward: ṁ of every moment along d, into w.dmoments (w.ud = u_j · d_j on the way).
void SiteKernel::moment_derivatives(MtpModel::Workspace& w, const double* d) const {
    const MtpModel& M = model;
    const int n = w.n, nF = M.n_funcs_;
    const int A = M.n_moments_;
    const int n_basic = int(M.basic_slot_.size());
    const double* mono = w.mono.data();
    const auto& pw = M.mono_powers_;
    const double* mom = w.moments.data();
    double* dmom = w.dmoments.data();
    double *ud = w.ud.data(), *h1 = w.t0.data(), *h3 = w.t1.data();
    double *hx = w.t2.data(), *hy = w.t3.data(), *hz = w.t4.data();
    for (int j = 0; j < n; ++j) ud[j] = w.ux[j] * d[3 * j] + w.uy[j] * d[3 * j + 1] + w.uz[j] * d[3 * j + 2];
    double* ds = w.dslots.data();
    for (int mu = 0; mu < nF; ++mu) {
        const double* f = &w.f[std::size_t(mu) * n];
        const double* df = &w.df[std::size_t(mu) * n];
        for (int j = 0; j < n; ++j) {
            const double fr = f[j] * w.inv_r[j];
            h1[j] = df[j] * ud[j];
            h3[j] = fr * ud[j];
            hx[j] = fr * d[3 * j];
            hy[j] = fr * d[3 * j + 1];
            hz[j] = fr * d[3 * j + 2];
        }
        double* out = ds + M.slot_offset_[mu];
        for (int m = 0; m < M.prefix_[mu]; ++m) {
            const double* row = mono + std::size_t(m) * n;
            double s1 = 0, s3 = 0;
#pragma omp simd reduction(+ : s1, s3)
            for (int j = 0; j < n; ++j) {
                s1 += row[j] * h1[j];
                s3 += row[j] * h3[j];
            }
            out[m] = s1 - M.mono_degree_[m] * s3;
        }
        for (int m = 0; m < M.lower_prefix_[mu]; ++m) {
            const double* row = mono + std::size_t(m) * n;
            double sx = 0, sy = 0, sz = 0;
#pragma omp simd reduction(+ : sx, sy, sz)
            for (int j = 0; j < n; ++j) {
                sx += row[j] * hx[j];
                sy += row[j] * hy[j];
                sz += row[j] * hz[j];
            }
            out[M.mono_raise_[0][m]] += (pw[m][0] + 1) * sx;
            out[M.mono_raise_[1][m]] += (pw[m][1] + 1) * sy;
            out[M.mono_raise_[2][m]] += (pw[m][2] + 1) * sz;
        }
    }
    for (int i = 0; i < n_basic; ++i) dmom[i] = ds[M.basic_slot_[i]];
    std::fill(dmom + n_basic, dmom + A, 0.0);
    for (std::size_t e = 0; e < M.times_t_.size(); ++e) {
        const int i = M.times_i_[e], j = M.times_j_[e];
        dmom[M.times_t_[e]] += M.times_k_[e] * (dmom[i] * mom[j] + mom[i] * dmom[j]);
    }
}

// ℓ is linear in the species and moment coefficients: ∂ℓ/∂ξ_s = α B_s + Ḃ_s.
void SiteKernel::linear_parameter_gradient(const MtpModel::Workspace& w, double alpha, bool dual,
                                           const MtpGradient& g) const {
    const MtpModel& M = model;
    const double* mom = w.moments.data();
    const double* dmom = w.dmoments.data();
    if (g.species_coeffs) g.species_coeffs[w.zi] += alpha;
    if (g.moment_coeffs)
        for (std::size_t s = 0; s < M.mapping_.size(); ++s)
            g.moment_coeffs[s] += alpha * mom[M.mapping_[s]] + (dual ? dmom[M.mapping_[s]] : 0.0);
}

// Reverse: adjoints of the moments (mb) and of their derivatives (db) through the times graph,
// gathered per slot of the basic moments into w.slot_w and w.slot_dw.
void SiteKernel::slot_adjoints(MtpModel::Workspace& w, const MtpParameters& p, double alpha, bool dual) const {
    const MtpModel& M = model;
    const int A = M.n_moments_;
    const int n_basic = int(M.basic_slot_.size());
    const double* mom = w.moments.data();
    const double* dmom = w.dmoments.data();
    double* mb = w.adj.data();
    double* db = w.dadj.data();
    std::fill(mb, mb + A, 0.0);
    std::fill(db, db + A, 0.0);
    for (std::size_t s = 0; s < M.mapping_.size(); ++s) {
        mb[M.mapping_[s]] += alpha * p.moment_coeffs[s];
        if (dual) db[M.mapping_[s]] += p.moment_coeffs[s];
    }
    for (std::size_t e = M.times_t_.size(); e-- > 0;) {
        const int i = M.times_i_[e], j = M.times_j_[e], t = M.times_t_[e];
        const double k = M.times_k_[e];
        const double mt = k * mb[t], dt = k * db[t];
        if (mt == 0 && dt == 0) continue;
        if (dual) {
            mb[i] += mt * mom[j] + dt * dmom[j];
            mb[j] += mt * mom[i] + dt * dmom[i];
            db[i] += dt * mom[j];
            db[j] += dt * mom[i];
        } else {
            mb[i] += mt * mom[j];
            mb[j] += mt * mom[i];
        }
    }
    double* wm = w.slot_w.data();
    double* wd = w.slot_dw.data();
    std::fill(wm, wm + M.n_slots_, 0.0);
    std::fill(wd, wd + M.n_slots_, 0.0);
    for (int i = 0; i < n_basic; ++i) {
        wm[M.basic_slot_[i]] += mb[i];
        if (dual) wd[M.basic_slot_[i]] += db[i];
    }
}

// Radial coefficients: ∂ℓ/∂C[z_i,z_j,μ,β] = Σ_j Q_β(r_j) A_μ(j) + Q'_β(r_j) B_μ(j), with
//   A = Σ_m wm g_m + (d·G_d − (u·d)(u·G_d)) / r,  B = (u·d) Σ_m wd g_m,  G_d = Σ_m wd ∇_u g_m,
// added to gC (after slot_adjoints).
void SiteKernel::radial_gradient(MtpModel::Workspace& w, const double* d, double* gC) const {
    const MtpModel& M = model;
    const int n = w.n, nF = M.n_funcs_, nB = M.n_basis_, nT = M.n_species_;
    const bool dual = d != nullptr;
    const double* mono = w.mono.data();
    const auto& pw = M.mono_powers_;
    const double* wm = w.slot_w.data();
    const double* wd = w.slot_dw.data();
    double *Sm = w.t0.data(), *Sd = w.t1.data(), *Gx = w.t2.data(), *Gy = w.t3.data(), *Gz = w.t4.data();
    for (int mu = 0; mu < nF; ++mu) {
        const double* Wm = wm + M.slot_offset_[mu];
        const double* Wd = wd + M.slot_offset_[mu];
        weighted_rows(mono, n, M.prefix_[mu], [&](int m) { return Wm[m]; }, Sm);
        const int low = dual ? M.lower_prefix_[mu] : 0;
        if (dual) {
            weighted_rows(mono, n, M.prefix_[mu], [&](int m) { return Wd[m]; }, Sd);
            weighted_rows(mono, n, low, [&](int m) { return Wd[M.mono_raise_[0][m]] * (pw[m][0] + 1); }, Gx);
            weighted_rows(mono, n, low, [&](int m) { return Wd[M.mono_raise_[1][m]] * (pw[m][1] + 1); }, Gy);
            weighted_rows(mono, n, low, [&](int m) { return Wd[M.mono_raise_[2][m]] * (pw[m][2] + 1); }, Gz);
        }
        for (int j = 0; j < n; ++j) {
            double coef_q = Sm[j], coef_dq = 0;
            if (dual) {
                const double ux = w.ux[j], uy = w.uy[j], uz = w.uz[j];
                const double dxj = d[3 * j], dyj = d[3 * j + 1], dzj = d[3 * j + 2];
                const double udj = w.ud[j];
                const double dG = low ? dxj * Gx[j] + dyj * Gy[j] + dzj * Gz[j] : 0.0;
                const double uG = low ? ux * Gx[j] + uy * Gy[j] + uz * Gz[j] : 0.0;
                coef_q += (dG - udj * uG) * w.inv_r[j];
                coef_dq = udj * Sd[j];
            }
            double* out = gC + (std::size_t(w.zi * nT + w.zj[j]) * nF + mu) * nB;
            const double* q = &w.q[std::size_t(j) * nB];
            const double* dq = &w.dq[std::size_t(j) * nB];
            for (int beta = 0; beta < nB; ++beta) out[beta] += q[beta] * coef_q + dq[beta] * coef_dq;
        }
    }
}

}  // namespace mtpc
