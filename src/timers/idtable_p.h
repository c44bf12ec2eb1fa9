// IdTable: values addressed by timer id, in chunked arrays, where a hash table used to be.
//
// Timer ids are dense and never reused (they count up from 1 under the registry lock), so the
// slot of id lives at (id >> ChunkBits, id & mask): a lookup is two dependent loads, one cache
// miss for a cold id, with no hashing, no node per value and no rehash as the table grows.
// A chunk is allocated when its first id arrives and freed as soon as its last value goes, so
// memory follows the live ids; chunks before the first live one are dropped from the front.
// The price is the one of any id-addressed array: one long-lived timer keeps its whole chunk
// (kChunkSize slots) while its neighbours are gone. With 256 slots that is at most a few tens
// of kilobytes per such straggler, and none once it goes.
#pragma once

#include "timertypes.h"

#include <QtCore/QtGlobal>

#include <array>
#include <bit>
#include <cstdint>
#include <deque>
#include <memory>
#include <new>
#include <utility>

namespace havel {

//! Thread: none of its own; the owner's lock (or thread) guards it, as for a std container.
//! Values never move while they live, so pointers to them stay valid until they are erased.
template<typename T, unsigned ChunkBits = 8>
class IdTable
{
public:
    static constexpr std::size_t kChunkSize = std::size_t(1) << ChunkBits;

    IdTable() = default;
    IdTable(const IdTable &) = delete;
    IdTable &operator=(const IdTable &) = delete;
    ~IdTable() { clear(); }

    //! The value of @p id, or nullptr.
    T *find(TimerId id) const
    {
        const TimerId chunk = id >> ChunkBits;
        if (chunk < m_firstChunk || chunk - m_firstChunk >= m_chunks.size())
            return nullptr;
        Chunk *c = m_chunks[std::size_t(chunk - m_firstChunk)].get();
        const std::size_t slot = std::size_t(id & (kChunkSize - 1));
        return c && c->has(slot) ? c->at(slot) : nullptr;
    }
    bool contains(TimerId id) const { return find(id) != nullptr; }

    //! Constructs the value of @p id in place from @p args; @p id must not have one.
    template<typename... Args>
    T &emplace(TimerId id, Args &&...args)
    {
        Chunk &c = chunkFor(id >> ChunkBits);
        const std::size_t slot = std::size_t(id & (kChunkSize - 1));
        Q_ASSERT(!c.has(slot));
        T *value = new (c.at(slot)) T(std::forward<Args>(args)...);
        c.mark(slot);
        ++m_size;
        return *value;
    }

    //! Destroys the value of @p id. Returns false if it had none.
    bool erase(TimerId id)
    {
        const TimerId chunk = id >> ChunkBits;
        if (chunk < m_firstChunk || chunk - m_firstChunk >= m_chunks.size())
            return false;
        std::unique_ptr<Chunk> &c = m_chunks[std::size_t(chunk - m_firstChunk)];
        const std::size_t slot = std::size_t(id & (kChunkSize - 1));
        if (!c || !c->has(slot))
            return false;
        c->at(slot)->~T();
        c->unmark(slot);
        --m_size;
        if (c->live == 0) {
            c.reset();
            // Chunks are freed as they empty; the index drops the empty ones at either end.
            while (!m_chunks.empty() && !m_chunks.front()) {
                m_chunks.pop_front();
                ++m_firstChunk;
            }
            while (!m_chunks.empty() && !m_chunks.back())
                m_chunks.pop_back();
        }
        return true;
    }

    //! Destroys every value.
    void clear()
    {
        for (std::unique_ptr<Chunk> &c : m_chunks) {
            if (!c)
                continue;
            for (std::size_t word = 0; word < kWords; ++word) {
                for (std::uint64_t bits = c->used[word]; bits; bits &= bits - 1)
                    c->at(word * 64 + std::size_t(std::countr_zero(bits)))->~T();
            }
        }
        m_chunks.clear();
        m_size = 0;
    }

    //! Exchanges the contents of two tables (no value moves).
    void swap(IdTable &other) noexcept
    {
        m_chunks.swap(other.m_chunks);
        std::swap(m_firstChunk, other.m_firstChunk);
        std::swap(m_size, other.m_size);
    }

    std::size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }

    //! Calls @p visit(id, value) for every value, in id order. @p visit must not add or erase.
    template<typename Visit>
    void forEach(Visit &&visit) const
    {
        for (std::size_t i = 0; i < m_chunks.size(); ++i) {
            Chunk *c = m_chunks[i].get();
            if (!c)
                continue;
            const TimerId base = (m_firstChunk + i) << ChunkBits;
            for (std::size_t word = 0; word < kWords; ++word) {
                for (std::uint64_t bits = c->used[word]; bits; bits &= bits - 1) {
                    const std::size_t slot = word * 64 + std::size_t(std::countr_zero(bits));
                    visit(base + slot, *c->at(slot));
                }
            }
        }
    }

private:
    static_assert(kChunkSize % 64 == 0, "the live bits are whole 64-bit words");
    static constexpr std::size_t kWords = kChunkSize / 64;

    struct Chunk
    {
        std::array<std::uint64_t, kWords> used{};
        std::uint32_t live = 0;
        alignas(T) unsigned char storage[kChunkSize * sizeof(T)];

        bool has(std::size_t slot) const { return (used[slot / 64] >> (slot % 64)) & 1; }
        void mark(std::size_t slot)
        {
            used[slot / 64] |= std::uint64_t(1) << (slot % 64);
            ++live;
        }
        void unmark(std::size_t slot)
        {
            used[slot / 64] &= ~(std::uint64_t(1) << (slot % 64));
            --live;
        }
        T *at(std::size_t slot) { return std::launder(reinterpret_cast<T *>(storage) + slot); }
    };

    Chunk &chunkFor(TimerId chunk)
    {
        if (m_chunks.empty()) {
            m_firstChunk = chunk;
            m_chunks.emplace_back();
        } else if (chunk < m_firstChunk) {
            // An old id comes back (a timer rescheduled after its neighbours left).
            for (; m_firstChunk > chunk; --m_firstChunk)
                m_chunks.emplace_front();
        } else if (chunk - m_firstChunk >= m_chunks.size()) {
            m_chunks.resize(std::size_t(chunk - m_firstChunk) + 1);
        }
        std::unique_ptr<Chunk> &c = m_chunks[std::size_t(chunk - m_firstChunk)];
        if (!c)
            c.reset(new Chunk); // storage left uninitialised: values are built in place
        return *c;
    }

    std::deque<std::unique_ptr<Chunk>> m_chunks; // chunk m_firstChunk + i at index i
    TimerId m_firstChunk = 0;
    std::size_t m_size = 0;
};

} // namespace havel
