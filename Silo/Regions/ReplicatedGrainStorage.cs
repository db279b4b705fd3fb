using System.Globalization;
using Custodian.Silo.Storage;
using Orleans.Storage;

namespace Custodian.Silo.Regions;

/// <summary>
/// The middle of the <c>secure</c> chain (Encrypted → Replicated → Azure Table): it holds envelopes only.
/// A read or write is allowed only where the grain's scope is written now (<see cref="RegionFence"/>). A
/// write stamps the envelope with the writer's epoch and the next version, goes to this region's table
/// under its ETag, then to the pair's under the pair copy's ETag, and succeeds only when both are durable
/// (or the pair is unreachable and the write is in the backlog). The grain sees one opaque ETag that carries
/// both copies' ETags and the version it last read or wrote, so a stale activation fails on either copy.
/// </summary>
public sealed class ReplicatedGrainStorage(IGrainStorage own, PairReplica pair, RegionFence fence) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = Envelopes(grainState);
        await fence.AuthorizeAsync(PlacementScope.Of(grainId, fence.Region));
        // The pair's copy is read alongside this region's (for the next write's compare on its ETag): the encrypting
        // storage authenticates both and compares their stamps, so a rolled-back or reset copy shows.
        var pairCopy = pair.PairCopyAsync(stateName, grainId);
        await Task.WhenAll(own.ReadStateAsync(stateName, grainId, stored), pairCopy);
        var envelope = stored.RecordExists ? stored.State : null;
        var theirs = await pairCopy;
        stored.ETag = Tag.Format(envelope?.Epoch ?? 0, envelope?.Version ?? 0, stored.ETag, theirs.ETag);
        if (stored is StoredCopies copies)
        {
            copies.Pair = theirs;
        }
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var stored = Envelopes(grainState);
        var scope = PlacementScope.Of(grainId, fence.Region);
        var epoch = await fence.AuthorizeAsync(scope);
        var tag = Tag.Parse(stored.ETag);
        if (tag.Epoch > epoch)
        {
            throw new Custodian.Storage.RegionFencedException($"This activation read a copy of {scope} at epoch {tag.Epoch}, newer than this region's epoch {epoch}; it writes nothing.");
        }

        var envelope = stored.State ?? throw new ArgumentException("No envelope to write.", nameof(grainState));
        if (envelope.Epoch != epoch || envelope.Writer != fence.Region)
        {
            throw new Custodian.Storage.RegionFencedException($"The writer of {scope} changed while this write was sealed (epoch {envelope.Epoch}, now {epoch}); it writes nothing.");
        }

        if (envelope.Version != tag.Version + 1)
        {
            throw new InvalidOperationException($"The envelope is stamped version {envelope.Version}, but the copy it replaces is version {tag.Version}.");
        }

        stored.ETag = tag.Own;
        await own.WriteStateAsync(stateName, grainId, stored);
        var ownETag = stored.ETag;
        stored.ETag = grainState.ETag = Tag.Format(tag.Epoch, tag.Version, ownETag, tag.Pair); // until the pair has it
        var pairETag = await pair.WriteStateAsync(scope, stateName, grainId, envelope, tag.Pair);
        stored.ETag = Tag.Format(epoch, envelope.Version, ownETag, pairETag ?? tag.Pair);
    }

    /// <summary>The same ETag with the version it carries set to none (for a stored copy whose stamp failed its check).</summary>
    public static string? Unversioned(string? etag) => Tag.Parse(etag) is var tag ? Tag.Format(0, 0, tag.Own, tag.Pair) : null;

    /// <summary>The stamp the next write of a state must carry: this region, its epoch, one more than the version last read or written.</summary>
    public static EnvelopeStamp NextStamp(string? etag, long epoch, string region) => new(epoch, Tag.Parse(etag).Version + 1, region);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        throw new NotSupportedException("The secure storage clears a state by writing its tombstone.");

    private static IGrainState<EncryptedEnvelope> Envelopes<T>(IGrainState<T> grainState) =>
        grainState as IGrainState<EncryptedEnvelope> ?? throw new NotSupportedException("The replicated storage holds envelopes only.");

    /// <summary>The composite ETag: <c>r1|epoch|version|own ETag|pair ETag</c> (table ETags contain no '|').</summary>
    internal readonly record struct Tag(long Epoch, long Version, string? Own, string? Pair)
    {
        private const string Prefix = "r1|";

        public static string? Format(long epoch, long version, string? own, string? pair) =>
            own is null && pair is null && version == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{Prefix}{epoch}|{version}|{own}|{pair}");

        public static Tag Parse(string? etag)
        {
            if (etag is null || !etag.StartsWith(Prefix, StringComparison.Ordinal))
            {
                return new Tag(0, 0, etag, null);
            }

            var parts = etag[Prefix.Length..].Split('|', 4);
            return new Tag(
                long.Parse(parts[0], CultureInfo.InvariantCulture),
                long.Parse(parts[1], CultureInfo.InvariantCulture),
                parts[2].Length == 0 ? null : parts[2],
                parts[3].Length == 0 ? null : parts[3]);
        }
    }
}
