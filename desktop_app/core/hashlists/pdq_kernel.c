/* The compiled half of the PDQ multi-index (see pdq_index.py for the method and why it is exact).
 *
 * Two functions, called through ctypes on numpy arrays the Python side owns and checks:
 *
 *   pdq_build_table: one table's radix sort (entry rows grouped by substring key, ascending
 *                    within a key: the same arrays numpy's sort-based build makes);
 *   pdq_search:      probe, expand and verify in one pass per query, with no intermediate arrays.
 *
 * The search is bound by memory latency (an offsets read, a row-list read and a 32-byte hash read
 * per probe, all random), so it works in chunks of probes and prefetches each step's addresses a
 * loop ahead. A neighbour close in several substrings is reported by the first table whose probe
 * radius covers it, decided exactly from the substrings themselves, so no set of seen rows is kept.
 *
 * Plain C99, no Python headers, no threads: ctypes releases the GIL, and the Python side splits a
 * batch over threads. Nothing here allocates: scratch space comes from the caller.
 */

#include <stdint.h>
#include <string.h>

#define PDQ_KERNEL_VERSION 3
#ifndef PROBE_CHUNK
#define PROBE_CHUNK 64
#endif
#define CANDIDATE_CHUNK 1024

typedef struct {
    int32_t start;  /* first bit of the substring (bit 0 = the first word's most significant) */
    int32_t length; /* bits in the substring */
    int32_t shift;  /* low substring bits dropped to make the bucket key */
    int32_t radius; /* probe every key within this many bits; < 0: skip the table */
    const uint32_t *offsets; /* 2**(length - shift) + 1 */
    const uint32_t *rows;    /* entry rows sorted by key */
    const uint32_t *masks;   /* every flip pattern of weight <= radius */
    int64_t n_masks;
} pdq_table;

int32_t pdq_kernel_version(void) { return PDQ_KERNEL_VERSION; }

static inline uint64_t bits_of(const uint64_t *words, int32_t start, int32_t length) {
    int32_t word = start >> 6, offset = start & 63;
    if (offset + length <= 64) {
        return (words[word] >> (64 - offset - length)) & ((UINT64_C(1) << length) - 1);
    }
    int32_t high = 64 - offset, low = length - high;
    return ((words[word] & ((UINT64_C(1) << high) - 1)) << low) | (words[word + 1] >> (64 - low));
}

static inline uint32_t key_of(const uint64_t *words, const pdq_table *t) {
    return (uint32_t)(bits_of(words, t->start, t->length) >> t->shift);
}

/* One table: the rows grouped by key, ascending within a key (a stable two-pass radix sort: by the
 * key's top bits into at most 256 bins, then each bin by its low bits, so every scatter stays in
 * cache; a one-pass counting sort over 2**23 buckets took twice as long at 10 M). scratch holds 3n uint32. */
void pdq_build_table(const uint64_t *hashes, int64_t n, int32_t start, int32_t length, int32_t shift,
                     uint32_t *offsets, uint32_t *rows, uint32_t *scratch) {
    int32_t key_bits = length - shift;
    int32_t high = key_bits < 8 ? key_bits : 8, low = key_bits - high;
    int64_t bins = INT64_C(1) << high, per_bin = INT64_C(1) << low;
    uint32_t *keys = scratch, *bin_keys = scratch + n, *bin_rows = scratch + 2 * n;
    int64_t bin_start[257] = {0};
    for (int64_t i = 0; i < n; i++) { /* the one pass over the hashes (320 MB at 10 M) */
        keys[i] = (uint32_t)(bits_of(hashes + 4 * i, start, length) >> shift);
        bin_start[(keys[i] >> low) + 1]++;
    }
    for (int64_t b = 1; b <= bins; b++) {
        bin_start[b] += bin_start[b - 1];
    }
    int64_t cursor[256];
    memcpy(cursor, bin_start, sizeof cursor);
    for (int64_t i = 0; i < n; i++) {
        uint32_t key = keys[i];
        int64_t at = cursor[key >> low]++;
        bin_keys[at] = key;
        bin_rows[at] = (uint32_t)i;
    }
    uint32_t low_mask = (uint32_t)(per_bin - 1);
    for (int64_t b = 0; b < bins; b++) {
        uint32_t *bin_offsets = offsets + b * per_bin; /* this bin's buckets: counts, then starts */
        memset(bin_offsets, 0, (size_t)per_bin * sizeof *bin_offsets);
        for (int64_t i = bin_start[b]; i < bin_start[b + 1]; i++) {
            bin_offsets[bin_keys[i] & low_mask]++;
        }
        uint32_t at = (uint32_t)bin_start[b];
        for (int64_t k = 0; k < per_bin; k++) {
            uint32_t count = bin_offsets[k];
            bin_offsets[k] = at;
            at += count;
        }
        for (int64_t i = bin_start[b]; i < bin_start[b + 1]; i++) {
            rows[bin_offsets[bin_keys[i] & low_mask]++] = bin_rows[i];
        }
        /* Cursors now hold each bucket's end: the start of the next. Put the starts back. */
        for (int64_t k = per_bin - 1; k > 0; k--) {
            bin_offsets[k] = bin_offsets[k - 1];
        }
        bin_offsets[0] = (uint32_t)bin_start[b];
    }
    offsets[bins * per_bin] = (uint32_t)n;
}

static inline int32_t distance(const uint64_t *a, const uint64_t *b) {
    return __builtin_popcountll(a[0] ^ b[0]) + __builtin_popcountll(a[1] ^ b[1]) +
           __builtin_popcountll(a[2] ^ b[2]) + __builtin_popcountll(a[3] ^ b[3]);
}

/* Was this neighbour already reported by an earlier table (one whose probes reach its key)? */
static inline int found_earlier(const uint64_t *query, const uint64_t *entry, const pdq_table *tables,
                                int32_t table) {
    for (int32_t t = 0; t < table; t++) {
        const pdq_table *earlier = tables + t;
        if (earlier->radius >= 0 &&
            __builtin_popcount(key_of(query, earlier) ^ key_of(entry, earlier)) <= earlier->radius) {
            return 1;
        }
    }
    return 0;
}

typedef struct {
    int64_t *query, *row;
    int32_t *distance;
    int64_t count, capacity;
} results;

/* Verify candidates; returns 0 when the output is full. */
static int verify(const uint64_t *hashes, const uint64_t *query, int64_t q, const uint32_t *candidates,
                  int32_t count, const pdq_table *tables, int32_t table, int32_t threshold, results *out) {
    for (int32_t c = 0; c < count; c++) {
        if (c + 8 < count) {
            __builtin_prefetch(hashes + 4 * (int64_t)candidates[c + 8]);
        }
        const uint64_t *entry = hashes + 4 * (int64_t)candidates[c];
        int32_t d = distance(query, entry);
        if (d <= threshold && !found_earlier(query, entry, tables, table)) {
            if (out->count == out->capacity) {
                return 0;
            }
            out->query[out->count] = q;
            out->row[out->count] = candidates[c];
            out->distance[out->count] = d;
            out->count++;
        }
    }
    return 1;
}

/* One query against one table; returns 0 when the output is full. */
static int probe_table(const uint64_t *hashes, const uint64_t *query, int64_t q, const pdq_table *tables,
                       int32_t table, int32_t threshold, results *out) {
    const pdq_table *t = tables + table;
    uint32_t key = key_of(query, t), bucket[PROBE_CHUNK], begin[PROBE_CHUNK], end[PROBE_CHUNK];
    uint32_t candidates[CANDIDATE_CHUNK];
    int32_t n_candidates = 0;
    for (int64_t first = 0; first < t->n_masks; first += PROBE_CHUNK) {
        int32_t probes = (int32_t)(t->n_masks - first < PROBE_CHUNK ? t->n_masks - first : PROBE_CHUNK);
        for (int32_t p = 0; p < probes; p++) {
            bucket[p] = key ^ t->masks[first + p];
            __builtin_prefetch(t->offsets + bucket[p]);
        }
        for (int32_t p = 0; p < probes; p++) {
            begin[p] = t->offsets[bucket[p]];
            end[p] = t->offsets[bucket[p] + 1];
            if (end[p] > begin[p]) {
                __builtin_prefetch(t->rows + begin[p]);
            }
        }
        for (int32_t p = 0; p < probes; p++) {
            for (uint32_t i = begin[p]; i < end[p]; i++) {
                uint32_t row = t->rows[i];
                __builtin_prefetch(hashes + 4 * (int64_t)row);
                candidates[n_candidates++] = row;
                if (n_candidates == CANDIDATE_CHUNK) {
                    if (!verify(hashes, query, q, candidates, n_candidates, tables, table, threshold, out)) {
                        return 0;
                    }
                    n_candidates = 0;
                }
            }
        }
    }
    return verify(hashes, query, q, candidates, n_candidates, tables, table, threshold, out);
}

/* Every entry within threshold of each query. Stops before the first query whose results do not
 * fit, so the caller can grow the output and go on from *queries_done; returns the results written. */
int64_t pdq_search(const uint64_t *hashes, const pdq_table *tables, int32_t n_tables, const uint64_t *queries,
                   int64_t n_queries, int32_t threshold, int64_t *out_query, int64_t *out_row,
                   int32_t *out_distance, int64_t capacity, int64_t *queries_done) {
    results out = {out_query, out_row, out_distance, 0, capacity};
    for (int64_t q = 0; q < n_queries; q++) {
        int64_t before = out.count;
        for (int32_t table = 0; table < n_tables; table++) {
            if (tables[table].radius < 0) {
                continue;
            }
            if (!probe_table(hashes, queries + 4 * q, q, tables, table, threshold, &out)) {
                *queries_done = q;
                return before;
            }
        }
    }
    *queries_done = n_queries;
    return out.count;
}
