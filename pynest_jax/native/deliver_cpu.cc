// Event-driven spike delivery for pynest_jax on CPU: an XLA FFI handler.
//
// For every spike i < n_spikes of one min-delay interval and every synapse j of
// its source (CSR row_ptr), add weight_j * count_i to the flat ring buffer at
// ((t0 + step_i + delay_j) mod ring_len) * width + tgt_j, in spike order and then
// synapse order -- the order of pynest_jax.delivery.deliver's XLA scatter, so the
// two give bitwise identical sums.  The ring (input 0) is aliased to the output
// and updated in place.  The last ring entry (the XLA path's trash slot for
// padding) is never touched.
//
// Attributes: ring_len, width (int64); weight_mode, delay_mode (int32):
//   0 scalar (0-d buffer), 1 one value per source, 2 one value per synapse.
// row_ptr may be int32 or int64; per-source / per-synapse delays int16, int32 or
// int64; a scalar delay, t0 and n_spikes are int64 scalars; weights float64.

#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "xla/ffi/api/ffi.h"

namespace ffi = xla::ffi;

namespace {

inline int64_t FloorMod(int64_t a, int64_t m) {
  int64_t r = a % m;
  return r < 0 ? r + m : r;
}

struct Spikes {
  const int32_t* step;
  const int32_t* src;
  const int32_t* count;
  int64_t n;
  int64_t t0;
};

struct Ring {
  double* data;
  int64_t len;     // slots
  int64_t width;   // entries per slot
  uint64_t size;   // len * width (the trash entry excluded)
};

// Weight of synapse j of source s (before the multiplicity).
struct WScalar {
  double w;
  static constexpr bool kPerSynapse = false;
  double row(int32_t) const { return w; }
  double syn(int64_t) const { return 0.0; }
};
struct WSource {
  const double* w;
  static constexpr bool kPerSynapse = false;
  double row(int32_t s) const { return w[s]; }
  double syn(int64_t) const { return 0.0; }
};
struct WSynapse {
  const double* w;
  static constexpr bool kPerSynapse = true;
  double row(int32_t) const { return 0.0; }
  double syn(int64_t j) const { return w[j]; }
};

// Delay (in steps) of synapse j of source s.
struct DScalar {
  int64_t d;
  static constexpr bool kPerSynapse = false;
  int64_t row(int32_t) const { return d; }
  int64_t syn(int64_t) const { return 0; }
};
template <typename T>
struct DSource {
  const T* d;
  static constexpr bool kPerSynapse = false;
  int64_t row(int32_t s) const { return static_cast<int64_t>(d[s]); }
  int64_t syn(int64_t) const { return 0; }
};
template <typename T>
struct DSynapse {
  const T* d;
  static constexpr bool kPerSynapse = true;
  int64_t row(int32_t) const { return 0; }
  int64_t syn(int64_t j) const { return static_cast<int64_t>(d[j]); }
};

// Returns an empty string on success, else what went wrong.
template <typename RP, typename W, typename D>
std::string Deliver(const Ring& ring, const RP* rp, int64_t n_src, int64_t nnz, const int32_t* tgt,
                    const W& wt, const D& dl, const Spikes& sp) {
  double* __restrict r = ring.data;
  const int64_t L = ring.len;
  const int64_t width = ring.width;
  bool bad_target = false;
  for (int64_t i = 0; i < sp.n; ++i) {
    const int32_t s = sp.src[i];
    if (s < 0 || s >= n_src) return "spike source index out of range";
    const int64_t beg = static_cast<int64_t>(rp[s]);
    const int64_t end = static_cast<int64_t>(rp[s + 1]);
    if (beg < 0 || end < beg || end > nnz) return "corrupt row_ptr";
    if (beg == end) continue;
    const double c = static_cast<double>(sp.count[i]);
    const int64_t t = sp.t0 + static_cast<int64_t>(sp.step[i]);
    if constexpr (!D::kPerSynapse) {
      double* row = r + FloorMod(t + dl.row(s), L) * width;
      const uint64_t room = ring.size - static_cast<uint64_t>(row - r);  // >= width
      if constexpr (!W::kPerSynapse) {
        const double w = wt.row(s) * c;
        for (int64_t j = beg; j < end; ++j) {
          const uint32_t k = static_cast<uint32_t>(tgt[j]);
          if (k < room) row[k] += w; else bad_target = true;
        }
      } else {
        for (int64_t j = beg; j < end; ++j) {
          const uint32_t k = static_cast<uint32_t>(tgt[j]);
          if (k < room) row[k] += wt.syn(j) * c; else bad_target = true;
        }
      }
    } else {
      const int64_t base = FloorMod(t, L);
      const double w_row = W::kPerSynapse ? 0.0 : wt.row(s) * c;
      for (int64_t j = beg; j < end; ++j) {
        int64_t slot = base + dl.syn(j);
        if (static_cast<uint64_t>(slot) >= static_cast<uint64_t>(L)) slot = FloorMod(slot, L);
        const uint64_t k = static_cast<uint64_t>(slot * width) + static_cast<uint64_t>(static_cast<uint32_t>(tgt[j]));
        const double w = W::kPerSynapse ? wt.syn(j) * c : w_row;
        if (k < ring.size) r[k] += w; else bad_target = true;
      }
    }
  }
  return bad_target ? "synapse target outside the ring buffer" : "";
}

template <typename RP, typename W>
std::string WithDelay(const Ring& ring, const RP* rp, int64_t n_src, int64_t nnz, const int32_t* tgt,
                      const W& wt, ffi::AnyBuffer delay, int32_t delay_mode, const Spikes& sp) {
  if (delay_mode == 0) {
    if (delay.element_type() != ffi::DataType::S64 || delay.element_count() != 1)
      return "scalar delay must be one int64";
    return Deliver(ring, rp, n_src, nnz, tgt, wt, DScalar{*delay.typed_data<int64_t>()}, sp);
  }
  const int64_t need = delay_mode == 1 ? n_src : nnz;
  if (static_cast<int64_t>(delay.element_count()) < need) return "delay array too short";
  const void* p = delay.untyped_data();
#define PJ_DELAY(T)                                                                                   \
  return delay_mode == 1                                                                              \
             ? Deliver(ring, rp, n_src, nnz, tgt, wt, DSource<T>{static_cast<const T*>(p)}, sp)     \
             : Deliver(ring, rp, n_src, nnz, tgt, wt, DSynapse<T>{static_cast<const T*>(p)}, sp);
  switch (delay.element_type()) {
    case ffi::DataType::S16: PJ_DELAY(int16_t)
    case ffi::DataType::S32: PJ_DELAY(int32_t)
    case ffi::DataType::S64: PJ_DELAY(int64_t)
    default: return "delays must be int16, int32 or int64";
  }
#undef PJ_DELAY
}

template <typename RP>
std::string WithWeight(const Ring& ring, const RP* rp, int64_t n_src, int64_t nnz, const int32_t* tgt,
                       ffi::AnyBuffer weight, int32_t weight_mode, ffi::AnyBuffer delay,
                       int32_t delay_mode, const Spikes& sp) {
  if (weight.element_type() != ffi::DataType::F64) return "weights must be float64";
  const double* w = weight.typed_data<double>();
  switch (weight_mode) {
    case 0:
      if (weight.element_count() != 1) return "scalar weight must have one element";
      return WithDelay(ring, rp, n_src, nnz, tgt, WScalar{*w}, delay, delay_mode, sp);
    case 1:
      if (static_cast<int64_t>(weight.element_count()) < n_src) return "weight array too short";
      return WithDelay(ring, rp, n_src, nnz, tgt, WSource{w}, delay, delay_mode, sp);
    case 2:
      if (static_cast<int64_t>(weight.element_count()) < nnz) return "weight array too short";
      return WithDelay(ring, rp, n_src, nnz, tgt, WSynapse{w}, delay, delay_mode, sp);
    default:
      return "unknown weight_mode";
  }
}

ffi::Error DeliverImpl(ffi::Buffer<ffi::F64> ring_in, ffi::AnyBuffer row_ptr, ffi::Buffer<ffi::S32> tgt,
                       ffi::AnyBuffer weight, ffi::AnyBuffer delay, ffi::Buffer<ffi::S32> spike_step,
                       ffi::Buffer<ffi::S32> spike_src, ffi::Buffer<ffi::S32> spike_count,
                       ffi::Buffer<ffi::S64> n_spikes, ffi::Buffer<ffi::S64> t0,
                       ffi::ResultBuffer<ffi::F64> ring_out, int64_t ring_len, int64_t width,
                       int32_t weight_mode, int32_t delay_mode) {
  const size_t ring_n = ring_in.element_count();
  if (ring_len <= 0 || width < 0 || ring_n != static_cast<size_t>(ring_len * width + 1))
    return ffi::Error::InvalidArgument("ring must have ring_len * width + 1 entries");
  double* out = ring_out->typed_data();
  if (out != ring_in.typed_data()) std::memcpy(out, ring_in.typed_data(), ring_n * sizeof(double));
  if (width == 0) return ffi::Error::Success();

  const int64_t capacity = static_cast<int64_t>(spike_src.element_count());
  if (static_cast<int64_t>(spike_step.element_count()) != capacity ||
      static_cast<int64_t>(spike_count.element_count()) != capacity)
    return ffi::Error::InvalidArgument("spike arrays differ in length");
  int64_t n = *n_spikes.typed_data();
  n = n < 0 ? 0 : (n > capacity ? capacity : n);
  const Spikes sp{spike_step.typed_data(), spike_src.typed_data(), spike_count.typed_data(), n,
                  *t0.typed_data()};
  const Ring ring{out, ring_len, width, static_cast<uint64_t>(ring_len * width)};

  const int64_t rp_n = static_cast<int64_t>(row_ptr.element_count());
  if (rp_n < 1) return ffi::Error::InvalidArgument("row_ptr is empty");
  const int64_t n_src = rp_n - 1;
  const int64_t tgt_n = static_cast<int64_t>(tgt.element_count());
  std::string err;
  if (row_ptr.element_type() == ffi::DataType::S32) {
    const int32_t* rp = row_ptr.typed_data<int32_t>();
    const int64_t nnz = rp[n_src] < tgt_n ? rp[n_src] : tgt_n;
    err = WithWeight(ring, rp, n_src, nnz, tgt.typed_data(), weight, weight_mode, delay, delay_mode, sp);
  } else if (row_ptr.element_type() == ffi::DataType::S64) {
    const int64_t* rp = row_ptr.typed_data<int64_t>();
    const int64_t nnz = rp[n_src] < tgt_n ? rp[n_src] : tgt_n;
    err = WithWeight(ring, rp, n_src, nnz, tgt.typed_data(), weight, weight_mode, delay, delay_mode, sp);
  } else {
    err = "row_ptr must be int32 or int64";
  }
  if (!err.empty()) return ffi::Error::InvalidArgument("pynest_jax_deliver: " + err);
  return ffi::Error::Success();
}

}  // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(PynestJaxDeliver, DeliverImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::Buffer<ffi::F64>>()  // ring (aliased to the result)
                                  .Arg<ffi::AnyBuffer>()         // row_ptr
                                  .Arg<ffi::Buffer<ffi::S32>>()  // tgt
                                  .Arg<ffi::AnyBuffer>()         // weight
                                  .Arg<ffi::AnyBuffer>()         // delay
                                  .Arg<ffi::Buffer<ffi::S32>>()  // spike_step
                                  .Arg<ffi::Buffer<ffi::S32>>()  // spike_src
                                  .Arg<ffi::Buffer<ffi::S32>>()  // spike_count
                                  .Arg<ffi::Buffer<ffi::S64>>()  // n_spikes
                                  .Arg<ffi::Buffer<ffi::S64>>()  // t0
                                  .Ret<ffi::Buffer<ffi::F64>>()  // ring
                                  .Attr<int64_t>("ring_len")
                                  .Attr<int64_t>("width")
                                  .Attr<int32_t>("weight_mode")
                                  .Attr<int32_t>("delay_mode"));

// Host-side helper of the projection build: the stable order that groups synapses
// by source (a counting sort, linear in the number of synapses) and the CSR row
// pointers. order[k] is the synapse at position k of the source-sorted arrays;
// row_ptr has n_sources + 1 entries. Returns 0, or 1 when a source index lies
// outside [0, n_sources).
extern "C" int PynestJaxSourceOrder(const int32_t* src, int64_t n, int64_t n_sources, int64_t* order,
                                    int64_t* row_ptr) {
  for (int64_t s = 0; s <= n_sources; ++s) row_ptr[s] = 0;
  for (int64_t i = 0; i < n; ++i) {
    const int64_t s = src[i];
    if (s < 0 || s >= n_sources) return 1;
    ++row_ptr[s + 1];
  }
  for (int64_t s = 0; s < n_sources; ++s) row_ptr[s + 1] += row_ptr[s];
  std::vector<int64_t> next(row_ptr, row_ptr + n_sources);
  for (int64_t i = 0; i < n; ++i) order[next[src[i]]++] = i;
  return 0;
}

// ------------------------------------------------------------------ plastic: pair STDP
//
// One interval's spikes, in time order, through a projection of pair-based STDP
// synapses (stdp_synapse, stdp_synapse_hom): the same arithmetic, in the same
// order, as the XLA path (pynest_jax.synapses.stdp_synapse.transmit driven by
// pynest_jax.delivery.deliver_plastic).  Each spike of a multiple spike passes
// on its own.  The targets' spike history is neuron-major: entry k of neuron j
// (k counted from its first spike) lives at j * M + k % M.
namespace {

// A parameter given once (stride 0) or per synapse (stride 1).
struct Param {
  const double* p;
  int64_t stride;
  double operator[](int64_t j) const { return p[j * stride]; }
};

Param ParamOf(const ffi::AnyBuffer& b) {
  return Param{b.typed_data<double>(), b.element_count() > 1 ? 1 : 0};
}

constexpr double kStdpEps = 1.0e-6;  // NEST's tolerance on spike-time comparisons (ms)

inline double Facilitate(double w, double kplus, double lambda, double mu_plus, double wmax) {
  const double norm = w / wmax + lambda * std::pow(1.0 - w / wmax, mu_plus) * kplus;
  return norm < 1.0 ? norm * wmax : wmax;
}

inline double Depress(double w, double kminus, double lambda, double alpha, double mu_minus, double wmax) {
  const double norm = w / wmax - alpha * lambda * std::pow(w / wmax, mu_minus) * kminus;
  return norm > 0.0 ? norm * wmax : 0.0;
}

ffi::Error StdpImpl(ffi::Buffer<ffi::F64> ring_in, ffi::Buffer<ffi::S64> row_ptr, ffi::Buffer<ffi::S32> tgt,
                    ffi::Buffer<ffi::S64> delay, ffi::AnyBuffer tau_plus, ffi::AnyBuffer lambda,
                    ffi::AnyBuffer alpha, ffi::AnyBuffer mu_plus, ffi::AnyBuffer mu_minus, ffi::AnyBuffer wmax,
                    ffi::Buffer<ffi::F64> weight_in, ffi::Buffer<ffi::F64> kplus_in,
                    ffi::Buffer<ffi::F64> tlast_in, ffi::Buffer<ffi::F64> hist_t, ffi::Buffer<ffi::F64> hist_k,
                    ffi::Buffer<ffi::S64> hist_count, ffi::Buffer<ffi::F64> hist_dropped,
                    ffi::Buffer<ffi::F64> tau_minus_inv,
                    ffi::Buffer<ffi::S32> spike_step, ffi::Buffer<ffi::S32> spike_src,
                    ffi::Buffer<ffi::S32> spike_count, ffi::Buffer<ffi::S64> n_spikes, ffi::Buffer<ffi::S64> t0,
                    ffi::ResultBuffer<ffi::F64> ring_out, ffi::ResultBuffer<ffi::F64> weight_out,
                    ffi::ResultBuffer<ffi::F64> kplus_out, ffi::ResultBuffer<ffi::F64> tlast_out,
                    ffi::ResultBuffer<ffi::S32> lost_out, int64_t ring_len, int64_t width, int64_t n_targets,
                    int64_t tics, int32_t weighted) {
  const size_t ring_n = ring_in.element_count();
  if (ring_len <= 0 || width <= 0 || ring_n != static_cast<size_t>(ring_len * width + 1))
    return ffi::Error::InvalidArgument("pynest_jax_stdp: ring must have ring_len * width + 1 entries");
  double* ring = ring_out->typed_data();
  double* w = weight_out->typed_data();
  double* kp = kplus_out->typed_data();
  double* tl = tlast_out->typed_data();
  const size_t n_syn = weight_in.element_count();
  if (ring != ring_in.typed_data()) std::memcpy(ring, ring_in.typed_data(), ring_n * sizeof(double));
  if (w != weight_in.typed_data()) std::memcpy(w, weight_in.typed_data(), n_syn * sizeof(double));
  if (kp != kplus_in.typed_data()) std::memcpy(kp, kplus_in.typed_data(), n_syn * sizeof(double));
  if (tl != tlast_in.typed_data()) std::memcpy(tl, tlast_in.typed_data(), n_syn * sizeof(double));
  int32_t lost = 0;

  const int64_t n_src = static_cast<int64_t>(row_ptr.element_count()) - 1;
  const int64_t* rp = row_ptr.typed_data();
  const int32_t* tg = tgt.typed_data();
  const int64_t* dl = delay.typed_data();
  const int64_t d_stride = delay.element_count() > 1 ? 1 : 0;
  const Param tp = ParamOf(tau_plus), lam = ParamOf(lambda), al = ParamOf(alpha), mup = ParamOf(mu_plus),
              mum = ParamOf(mu_minus), wm = ParamOf(wmax);
  for (const ffi::AnyBuffer* b : {&tau_plus, &lambda, &alpha, &mu_plus, &mu_minus, &wmax})
    if (b->element_type() != ffi::DataType::F64 || (b->element_count() != 1 && b->element_count() < n_syn))
      return ffi::Error::InvalidArgument("pynest_jax_stdp: parameters must be float64, one or per synapse");
  if (n_targets <= 0 || static_cast<int64_t>(hist_count.element_count()) != n_targets)
    return ffi::Error::InvalidArgument("pynest_jax_stdp: history count must have one entry per target");
  const int64_t M = static_cast<int64_t>(hist_t.element_count()) / n_targets;
  if (M <= 0 || static_cast<int64_t>(hist_k.element_count()) != M * n_targets)
    return ffi::Error::InvalidArgument("pynest_jax_stdp: history arrays must be [n_targets, M]");
  const double* ht = hist_t.typed_data();
  const double* hk = hist_k.typed_data();
  const int64_t* hc = hist_count.typed_data();
  const double* dropped = hist_dropped.typed_data();
  if (static_cast<int64_t>(hist_dropped.element_count()) != n_targets)
    return ffi::Error::InvalidArgument("pynest_jax_stdp: history dropped must have one entry per target");
  const double* tmi = tau_minus_inv.typed_data();
  const int64_t tmi_stride = tau_minus_inv.element_count() > 1 ? 1 : 0;

  const int64_t capacity = static_cast<int64_t>(spike_src.element_count());
  int64_t n = *n_spikes.typed_data();
  n = n < 0 ? 0 : (n > capacity ? capacity : n);
  const int64_t base_step = *t0.typed_data();
  const uint64_t ring_size = static_cast<uint64_t>(ring_len * width);
  for (int64_t i = 0; i < n; ++i) {
    const int32_t s = spike_src.typed_data()[i];
    if (s < 0 || s >= n_src) continue;  // not a source of this projection
    const int64_t beg = rp[s], end = rp[s + 1];
    if (beg == end) continue;
    if (beg < 0 || end < beg || static_cast<size_t>(end) > n_syn)
      return ffi::Error::InvalidArgument("pynest_jax_stdp: corrupt row_ptr");
    const int64_t step = base_step + spike_step.typed_data()[i];
    const double t_spike = static_cast<double>((step + 1) * tics) * 0.001;
    for (int32_t r = 0; r < spike_count.typed_data()[i]; ++r) {
      for (int64_t j = beg; j < end; ++j) {
        const int64_t d_steps = dl[j * d_stride];
        const double d = static_cast<double>(d_steps * tics) * 0.001;
        const int64_t local = static_cast<int64_t>(tg[j]) % n_targets;
        const double* t_h = ht + local * M;
        const double* k_h = hk + local * M;
        const int64_t count = hc[local];
        const int64_t oldest = count > M ? count - M : 0;
        const double t_last = tl[j], t1 = t_last - d, t2 = t_spike - d;
        // A dropped spike was needed: the newest one lies in the read range, or no kept
        // one is early enough to give Kminus at t2.
        if (count > M && (dropped[local] - t1 >= kStdpEps || t2 - t_h[oldest % M] <= kStdpEps)) lost = 1;
        const double wmax_j = wm[j], lam_j = lam[j], tau_plus_j = tp[j];
        double wj = w[j];
        // Facilitation by the target's spikes in (t1, t2], oldest first.
        int64_t k = count;
        while (k > oldest && t2 - t_h[(k - 1) % M] <= -kStdpEps) --k;  // later than t2
        const int64_t newest_read = k;
        while (k > oldest && t_h[(k - 1) % M] - t1 >= kStdpEps) --k;
        for (int64_t e = k; e < newest_read; ++e) {
          const double kplus = kp[j] * std::exp((t_last - (t_h[e % M] + d)) / tau_plus_j);
          wj = Facilitate(wj, kplus, lam_j, mup[j], wmax_j);
        }
        // Depression with Kminus at t2, from the target's newest spike before it.
        int64_t b = count;
        while (b > oldest && !(t2 - t_h[(b - 1) % M] > kStdpEps)) --b;
        double kminus = 0.0;
        if (b > oldest)
          kminus = k_h[(b - 1) % M] * std::exp((t_h[(b - 1) % M] - t2) * tmi[local * tmi_stride]);
        wj = Depress(wj, kminus, lam_j, al[j], mum[j], wmax_j);
        w[j] = wj;
        kp[j] = kp[j] * std::exp((t_last - t_spike) / tau_plus_j) + 1.0;
        tl[j] = t_spike;
        int64_t slot = (step + d_steps) % ring_len;
        if (slot < 0) slot += ring_len;
        const uint64_t at = static_cast<uint64_t>(slot * width) + static_cast<uint32_t>(tg[j]);
        if (at >= ring_size) return ffi::Error::InvalidArgument("pynest_jax_stdp: target outside the ring");
        ring[at] += weighted ? wj : 1.0;
      }
    }
  }
  *lost_out->typed_data() = lost;
  return ffi::Error::Success();
}

}  // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(PynestJaxStdp, StdpImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::Buffer<ffi::F64>>()  // ring (aliased to result 0)
                                  .Arg<ffi::Buffer<ffi::S64>>()  // row_ptr
                                  .Arg<ffi::Buffer<ffi::S32>>()  // tgt
                                  .Arg<ffi::Buffer<ffi::S64>>()  // delay (steps; one or per synapse)
                                  .Arg<ffi::AnyBuffer>()         // tau_plus
                                  .Arg<ffi::AnyBuffer>()         // lambda
                                  .Arg<ffi::AnyBuffer>()         // alpha
                                  .Arg<ffi::AnyBuffer>()         // mu_plus
                                  .Arg<ffi::AnyBuffer>()         // mu_minus
                                  .Arg<ffi::AnyBuffer>()         // Wmax
                                  .Arg<ffi::Buffer<ffi::F64>>()  // weight (aliased to result 1)
                                  .Arg<ffi::Buffer<ffi::F64>>()  // Kplus (aliased to result 2)
                                  .Arg<ffi::Buffer<ffi::F64>>()  // t_lastspike (aliased to result 3)
                                  .Arg<ffi::Buffer<ffi::F64>>()  // history: spike times [n, M]
                                  .Arg<ffi::Buffer<ffi::F64>>()  // history: Kminus [n, M]
                                  .Arg<ffi::Buffer<ffi::S64>>()  // history: spikes so far [n]
                                  .Arg<ffi::Buffer<ffi::F64>>()  // history: newest dropped time [n]
                                  .Arg<ffi::Buffer<ffi::F64>>()  // 1 / tau_minus (one or per neuron)
                                  .Arg<ffi::Buffer<ffi::S32>>()  // spike_step
                                  .Arg<ffi::Buffer<ffi::S32>>()  // spike_src
                                  .Arg<ffi::Buffer<ffi::S32>>()  // spike_count
                                  .Arg<ffi::Buffer<ffi::S64>>()  // n_spikes
                                  .Arg<ffi::Buffer<ffi::S64>>()  // t0
                                  .Ret<ffi::Buffer<ffi::F64>>()  // ring
                                  .Ret<ffi::Buffer<ffi::F64>>()  // weight
                                  .Ret<ffi::Buffer<ffi::F64>>()  // Kplus
                                  .Ret<ffi::Buffer<ffi::F64>>()  // t_lastspike
                                  .Ret<ffi::Buffer<ffi::S32>>()  // a needed history entry was gone
                                  .Attr<int64_t>("ring_len")
                                  .Attr<int64_t>("width")
                                  .Attr<int64_t>("n_targets")
                                  .Attr<int64_t>("tics")
                                  .Attr<int32_t>("weighted"));

// ------------------------------------------------------------------ compaction
//
// Positions of the non-zero entries of a flat int32 array, in increasing order:
// the first `capacity` of them (the rest of the output is zero) and the total
// count, which may exceed capacity (the caller's overflow check).  One pass.
namespace {

constexpr int64_t kBlock = 16;  // an all-zero block is skipped with one vectorisable OR

ffi::Error CompactImpl(ffi::Buffer<ffi::S32> flat, ffi::ResultBuffer<ffi::S32> pos_out,
                       ffi::ResultBuffer<ffi::S32> n_out, int64_t capacity) {
  const int64_t len = static_cast<int64_t>(flat.element_count());
  if (len > INT32_MAX) return ffi::Error::InvalidArgument("pynest_jax_compact: input too long for int32");
  if (capacity < 0 || static_cast<int64_t>(pos_out->element_count()) != capacity)
    return ffi::Error::InvalidArgument("pynest_jax_compact: positions must have `capacity` entries");
  const int32_t* x = flat.typed_data();
  int32_t* pos = pos_out->typed_data();
  int64_t k = 0, i = 0;
  // Until the output is full: positions of the non-zero entries.
  while (i < len && k < capacity) {
    if (i + kBlock <= len) {
      int32_t any = 0;
      for (int64_t j = 0; j < kBlock; ++j) any |= x[i + j];
      if (any == 0) {
        i += kBlock;
        continue;
      }
    }
    const int64_t end = i + kBlock < len ? i + kBlock : len;
    for (; i < end && k < capacity; ++i)
      if (x[i] != 0) pos[k++] = static_cast<int32_t>(i);
  }
  if (k < capacity) std::memset(pos + k, 0, static_cast<size_t>(capacity - k) * sizeof(int32_t));
  // Past capacity only the count matters (overflow detection).
  for (; i < len; ++i) k += x[i] != 0;
  *n_out->typed_data() = static_cast<int32_t>(k);
  return ffi::Error::Success();
}

}  // namespace

XLA_FFI_DEFINE_HANDLER_SYMBOL(PynestJaxCompact, CompactImpl,
                              ffi::Ffi::Bind()
                                  .Arg<ffi::Buffer<ffi::S32>>()  // flat
                                  .Ret<ffi::Buffer<ffi::S32>>()  // positions [capacity]
                                  .Ret<ffi::Buffer<ffi::S32>>()  // count (scalar)
                                  .Attr<int64_t>("capacity"));
