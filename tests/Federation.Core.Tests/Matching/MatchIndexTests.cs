using Federation.Core.Matching;
using Federation.Core.Tests.Support;

namespace Federation.Core.Tests.Matching;

public class MatchIndexTests
{
    private readonly Random _random = new(20261101);

    [Theory]
    [InlineData(30, true)]
    [InlineData(31, true)]
    [InlineData(32, false)]
    public void Matches_pdq_within_31_bits_by_default(int distance, bool matches)
    {
        using var index = new MatchIndex<int>();
        var query = Some.PdqHash(_random);
        var indexed = Some.PdqHashAt(query, distance, _random);
        index.Add(Pdq("list", 1, indexed));

        var hits = index.Match(new MediaSignals(Pdq: Some.Matchable(query)));

        Assert.Equal(matches ? [new MatchHit<int>("list", 1, MatchKind.Pdq, distance, indexed)] : [], hits);
    }

    [Fact]
    public void A_list_threshold_applies_to_that_list_only()
    {
        using var index = new MatchIndex<int>();
        var query = Some.PdqHash(_random);
        var at31 = Some.PdqHashAt(query, 31, _random);
        index.Add(Pdq("strict", 1, at31));
        index.Add(Pdq("default", 2, at31));
        index.SetPdqThreshold("strict", 30);

        var hits = index.Match(new MediaSignals(Pdq: Some.Matchable(query)));

        Assert.Equal([new MatchHit<int>("default", 2, MatchKind.Pdq, 31, at31)], hits);
        Assert.Equal(30, index.GetPdqThreshold("strict"));
        Assert.Equal(31, index.GetPdqThreshold("never-seen"));
    }

    [Theory]
    [InlineData(40, true)]
    [InlineData(41, false)]
    public void A_list_threshold_above_the_default_widens_the_search_for_that_list(int distance, bool matches)
    {
        using var index = new MatchIndex<int>();
        var query = Some.PdqHash(_random);
        index.SetPdqThreshold("loose", 40);
        var loose = Some.PdqHashAt(query, distance, _random);
        index.Add(Pdq("loose", 1, loose));
        index.Add(Pdq("default", 2, Some.PdqHashAt(query, distance, _random)));

        var hits = index.Match(new MediaSignals(Pdq: Some.Matchable(query)));

        Assert.Equal(matches ? [new MatchHit<int>("loose", 1, MatchKind.Pdq, distance, loose)] : [], hits);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(48)]
    public void Refuses_a_threshold_outside_0_to_47(int threshold)
    {
        using var index = new MatchIndex<int>();

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => index.SetPdqThreshold("list", threshold));

        Assert.Equal(threshold, error.ActualValue);
    }

    [Fact]
    public void Matches_sha256_and_md5_exactly_and_only_exactly()
    {
        using var index = new MatchIndex<string>();
        var sha256 = Some.Sha256(_random);
        var md5 = Some.Md5(_random);
        index.Add(new MatchEntry<string>("list", "e1", new MediaSignals(Sha256: sha256, Md5: md5)));

        Assert.Equal([new MatchHit<string>("list", "e1", MatchKind.Sha256, 0), new MatchHit<string>("list", "e1", MatchKind.Md5, 0)],
            index.Match(new MediaSignals(Sha256: sha256, Md5: md5)));
        Assert.Empty(index.Match(new MediaSignals(Sha256: sha256 with { D = sha256.D ^ 1 }, Md5: md5 with { Low = md5.Low ^ 1 })));
    }

    [Fact]
    public void Returns_exactly_the_brute_force_pairs_of_the_reference_needles_and_haystack()
    {
        var haystack = Vectors.Lines("upstream/pdq/data/reg-test-input/haystack.txt").Select(PdqHash.Parse).ToArray();
        var needles = Vectors.Lines("upstream/pdq/data/reg-test-input/needles.txt").Select(PdqHash.Parse).ToArray();
        var expected = Vectors.Rows("needles-haystack-matches.tsv").Select(row => $"{row[0]} {row[1]} {row[2]}").Order().ToArray();
        using var index = new MatchIndex<int>(defaultPdqThreshold: 32);
        index.AddRange(haystack.Select((hash, i) => Pdq("haystack", i + 1, hash)).ToList());

        var found = needles.SelectMany((needle, n) => index.Match(new MediaSignals(Pdq: Some.Matchable(needle)))
            .Select(hit => $"{n + 1} {hit.Entry} {hit.Distance}")).Order().ToArray();

        Assert.Equal(250, expected.Length);
        Assert.Equal(expected, found);
    }

    [Theory]
    [InlineData(31, 200_000)]
    [InlineData(0, 20_000)]
    [InlineData(10, 20_000)]
    [InlineData(11, 20_000)]
    [InlineData(47, 20_000)]
    public void Returns_exactly_the_brute_force_answer_on_random_hashes_with_planted_near_duplicates(int threshold, int randomCount)
    {
        // Random hashes, and around each query a cluster at distances either side of the threshold.
        var random = new Random(threshold);
        var entries = new List<(int Id, PdqHash Hash)>();
        for (var i = 0; i < randomCount; i++) entries.Add((entries.Count, Some.PdqHash(random)));
        var queries = Enumerable.Range(0, 120).Select(_ => Some.PdqHash(random)).ToArray();
        foreach (var query in queries)
            foreach (var distance in new[] { 0, 1, threshold / 2, threshold - 1, threshold, threshold, threshold + 1, threshold + 2, 64 })
                if (distance >= 0) entries.Add((entries.Count, Some.PdqHashAt(query, distance, random)));
        using var index = new MatchIndex<int>(threshold);
        index.AddRange(entries.Select(e => Pdq("list", e.Id, e.Hash)).ToList());

        foreach (var query in queries)
        {
            var expected = entries.Where(e => e.Hash.DistanceTo(query) <= threshold)
                .Select(e => (e.Id, e.Hash.DistanceTo(query))).Order().ToArray();
            var found = index.Match(new MediaSignals(Pdq: Some.Matchable(query)))
                .Select(hit => (hit.Entry, hit.Distance)).Order().ToArray();
            Assert.Equal(expected, found);
            Assert.True(expected.Length >= 4, "each query should have its planted cluster to find");
        }
    }

    [Fact]
    public void Finds_for_every_threshold_the_hashes_that_only_one_chunk_can_reach()
    {
        // The pigeonhole argument's edge: chunk c exactly at its probe radius and every other chunk one bit
        // beyond its own, which puts the hash exactly at the threshold and within reach of chunk c alone.
        // One bit more anywhere and it must not match.
        for (var threshold = 0; threshold <= MatchIndex<int>.MaxPdqThreshold; threshold++)
        {
            var radii = PdqChunks.Radii(threshold);
            var query = Some.PdqHash(_random);
            var order = Enumerable.Range(0, PdqChunks.Count) // the order in which each chunk's bits get flipped
                .Select(c => Enumerable.Range(PdqChunks.Start(c), PdqChunks.Length(c)).OrderBy(_ => _random.Next()).ToArray()).ToArray();
            using var index = new MatchIndex<int>(threshold);
            var expected = new List<int>();
            for (var c = 0; c < PdqChunks.Count; c++)
            {
                if (radii[c] < 0) continue;
                var edge = query;
                for (var other = 0; other < PdqChunks.Count; other++)
                    edge = Flip(edge, order[other].Take(other == c ? radii[other] : radii[other] + 1));
                Assert.Equal(threshold, edge.DistanceTo(query));
                index.Add(Pdq("edge", c, edge));
                index.Add(Pdq("beyond", c, Flip(edge, order[c].Skip(radii[c]).Take(1))));
                expected.Add(c);
            }

            var found = index.Match(new MediaSignals(Pdq: Some.Matchable(query)));

            Assert.All(found, hit => Assert.Equal(("edge", threshold), (hit.ListId, hit.Distance)));
            Assert.Equal(expected, found.Select(hit => hit.Entry).Order());
        }
    }

    private static PdqHash Flip(PdqHash hash, IEnumerable<int> bits)
    {
        foreach (var bit in bits) hash = hash.FlipBit(bit);
        return hash;
    }

    [Fact]
    public void A_withdrawn_entry_stops_matching_and_others_with_the_same_hash_do_not()
    {
        using var index = new MatchIndex<int>();
        var hash = Some.PdqHash(_random);
        var sha256 = Some.Sha256(_random);
        var withdrawn = new MatchEntry<int>("a", 1, new MediaSignals(Sha256: sha256, Pdq: Some.Matchable(hash)));
        index.Add(withdrawn);
        index.Add(new MatchEntry<int>("b", 2, new MediaSignals(Sha256: sha256, Pdq: Some.Matchable(hash))));
        index.Add(new MatchEntry<int>("a", 3, new MediaSignals(Sha256: sha256, Pdq: Some.Matchable(hash))));

        Assert.True(index.Remove(withdrawn));

        var hits = index.Match(new MediaSignals(Sha256: sha256, Pdq: Some.Matchable(hash)));
        Assert.Equal(["a 3 Sha256", "b 2 Sha256", "a 3 Pdq", "b 2 Pdq"], hits.Select(h => $"{h.ListId} {h.Entry} {h.Kind}"));
        Assert.Equal((2, 2), (index.PdqCount, index.Sha256Count));
    }

    [Fact]
    public void Removing_what_is_not_indexed_reports_false_and_changes_nothing()
    {
        using var index = new MatchIndex<int>();
        var hash = Some.PdqHash(_random);
        index.Add(Pdq("a", 1, hash));

        Assert.False(index.Remove(Pdq("a", 2, hash)));
        Assert.False(index.Remove(Pdq("b", 1, hash)));
        Assert.False(index.Remove(Pdq("a", 1, hash.FlipBit(0))));
        Assert.Single(index.Match(new MediaSignals(Pdq: Some.Matchable(hash))));
    }

    [Fact]
    public void Adding_the_same_entry_twice_indexes_it_once()
    {
        using var index = new MatchIndex<int>();
        var hash = Some.PdqHash(_random);

        index.Add(Pdq("a", 1, hash));
        index.Add(Pdq("a", 1, hash));

        Assert.Single(index.Match(new MediaSignals(Pdq: Some.Matchable(hash))));
        Assert.True(index.Remove(Pdq("a", 1, hash)));
        Assert.Empty(index.Match(new MediaSignals(Pdq: Some.Matchable(hash))));
    }

    [Fact]
    public void A_batch_skips_entries_already_indexed_and_repeats_within_itself()
    {
        using var index = new MatchIndex<int>();
        var old = Some.PdqHash(_random);
        var repeated = Some.PdqHash(_random);
        index.Add(Pdq("a", 1, old));

        index.AddRange([Pdq("a", 1, old), Pdq("a", 2, repeated), Pdq("a", 2, repeated), Pdq("b", 2, repeated), Pdq("a", 2, repeated)]);

        Assert.Equal(3, index.PdqCount);
        Assert.Single(index.Match(new MediaSignals(Pdq: Some.Matchable(old))));
        Assert.Equal(["a 2", "b 2"], index.Match(new MediaSignals(Pdq: Some.Matchable(repeated))).Select(h => $"{h.ListId} {h.Entry}"));
        Assert.True(index.Remove(Pdq("a", 2, repeated)));
        Assert.Equal(["b 2"], index.Match(new MediaSignals(Pdq: Some.Matchable(repeated))).Select(h => $"{h.ListId} {h.Entry}"));
    }

    [Fact]
    public void Slots_freed_by_withdrawals_are_reused_without_mixing_up_entries()
    {
        using var index = new MatchIndex<int>();
        var hashes = Enumerable.Range(0, 1000).Select(_ => Some.PdqHash(_random)).ToArray();
        for (var i = 0; i < hashes.Length; i++) index.Add(Pdq("a", i, hashes[i]));
        for (var i = 0; i < hashes.Length; i += 2) index.Remove(Pdq("a", i, hashes[i]));
        for (var i = 0; i < hashes.Length; i += 2) index.Add(Pdq("b", i + 1000, hashes[i]));

        for (var i = 0; i < hashes.Length; i++)
        {
            var hit = Assert.Single(index.Match(new MediaSignals(Pdq: Some.Matchable(hashes[i]))));
            Assert.Equal(i % 2 == 0 ? ("b", i + 1000) : ("a", i), (hit.ListId, hit.Entry));
        }
        Assert.Equal(1000, index.PdqCount);
    }

    [Theory]
    [InlineData(49)]
    [InlineData(0)]
    public void Refuses_to_index_a_pdq_hash_below_quality_50_and_adds_none_of_the_entry(int quality)
    {
        using var index = new MatchIndex<int>();
        var sha256 = Some.Sha256(_random);
        var entry = new MatchEntry<int>("a", 1, new MediaSignals(Sha256: sha256, Pdq: new PdqResult(Some.PdqHash(_random), quality)));

        var error = Assert.Throws<LowQualityPdqException>(() => index.Add(entry));

        Assert.Equal(quality, error.Quality);
        Assert.Contains("below the minimum of 50", error.Message);
        Assert.Empty(index.Match(new MediaSignals(Sha256: sha256)));
    }

    [Fact]
    public void Refuses_a_whole_batch_when_one_pdq_hash_is_below_quality_50()
    {
        using var index = new MatchIndex<int>();
        var good = Pdq("a", 1, Some.PdqHash(_random));
        var weak = new MatchEntry<int>("a", 2, new MediaSignals(Pdq: new PdqResult(Some.PdqHash(_random), 12)));

        Assert.Throws<LowQualityPdqException>(() => index.AddRange([good, weak]));

        Assert.Equal(0, index.PdqCount);
    }

    [Fact]
    public void Refuses_to_match_a_pdq_hash_below_quality_50_but_takes_one_of_exactly_50()
    {
        using var index = new MatchIndex<int>();
        var hash = Some.PdqHash(_random);
        index.Add(Pdq("a", 1, hash));

        var error = Assert.Throws<LowQualityPdqException>(() => index.Match(new MediaSignals(Pdq: new PdqResult(hash, 49))));

        Assert.Equal(49, error.Quality);
        Assert.Single(index.Match(new MediaSignals(Pdq: new PdqResult(hash, 50))));
    }

    [Fact]
    public void Refuses_an_entry_without_any_hash()
    {
        using var index = new MatchIndex<int>();

        var error = Assert.Throws<ArgumentException>(() => index.Add(new MatchEntry<int>("a", 1, new MediaSignals())));

        Assert.Contains("no hash", error.Message);
    }

    [Fact]
    public async Task Readers_always_see_the_standing_entries_while_a_writer_adds_and_withdraws_others()
    {
        using var index = new MatchIndex<int>();
        var standing = Enumerable.Range(0, 50).Select(_ => Some.PdqHash(_random)).ToArray();
        for (var i = 0; i < standing.Length; i++) index.Add(Pdq("standing", i, standing[i]));
        var churn = Enumerable.Range(0, 2000).Select(_ => Some.PdqHash(_random)).ToArray();
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(() =>
        {
            for (var round = 0; round < 5; round++)
            {
                for (var i = 0; i < churn.Length; i++) index.Add(Pdq("churn", i, churn[i]));
                for (var i = 0; i < churn.Length; i++) index.Remove(Pdq("churn", i, churn[i]));
            }
            stop.Cancel();
        });
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Run(() =>
        {
            var misses = 0;
            for (var i = 0; !stop.IsCancellationRequested; i = (i + 1) % standing.Length)
                if (!index.Match(new MediaSignals(Pdq: Some.Matchable(standing[i]))).Any(hit => hit.ListId == "standing" && hit.Entry == i))
                    misses++;
            return misses;
        })).ToArray();

        await writer;
        Assert.All(await Task.WhenAll(readers), misses => Assert.Equal(0, misses));
        Assert.Equal(standing.Length, index.PdqCount);
    }

    private static MatchEntry<int> Pdq(string list, int entry, PdqHash hash) =>
        new(list, entry, new MediaSignals(Pdq: Some.Matchable(hash)));
}
