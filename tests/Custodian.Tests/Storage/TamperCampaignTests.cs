using System.Text.Json.Nodes;
using Custodian.Gateway.Protos.Subjects;
using Custodian.Storage;
using Custodian.Subjects;
using Custodian.Tests.Infrastructure;
using Custodian.Tests.Subjects;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Xunit.Abstractions;

namespace Custodian.Tests.Storage;

[Collection(PlatformCollection.Name)]
public sealed class TamperCampaignTests(Platform platform, ITestOutputHelper output)
{
    [Fact]
    public async Task EverySingleBitFlipHeaderSwapAndMovedEnvelopeIsRefused()
    {
        // Arrange: two stored subjects; the storage read path exactly as a grain activation uses it
        var tenant = Platform.NewId("acme");
        var victim = Platform.NewId("subj");
        var other = Platform.NewId("subj");
        foreach (var subject in new[] { victim, other })
        {
            await platform.Subjects(tenant).PutRecordAsync(new PutRecordRequest { TenantId = tenant, SubjectId = subject, Record = SampleRecords.Contact($"{subject}@example.org") });
        }

        var envelopes = new StoredEnvelopes(platform.Azurite);
        var row = await envelopes.FindAsync(tenant, victim);
        var original = StoredEnvelopes.Envelope(row);
        var foreign = StoredEnvelopes.Envelope(await envelopes.FindAsync(tenant, other));
        var storage = platform.SiloServices.GetRequiredKeyedService<IGrainStorage>("secure");
        var grainId = GrainId.Create("datasubject", $"{tenant}/{victim}");
        Assert.Equal(victim + "@example.org", (await ReadAsync(storage, grainId)).Records["contact"].Record.Fields["email"]);

        var variants = new List<(string Kind, JsonObject Envelope)>();
        foreach (var field in new[] { "nonce", "tag", "ciphertext" })
        {
            var bits = Convert.FromBase64String(original[field]!.GetValue<string>()).Length * 8;
            variants.AddRange(Enumerable.Range(0, bits).Select(bit => ($"{field} bit flip", StoredEnvelopes.FlipBit(original, field, bit))));
        }

        variants.Add(("header swap: format", With(original, "format", 1)));
        variants.Add(("header swap: version", With(original, "version", original["version"]!.GetValue<long>() + 1)));
        variants.Add(("header swap: writer", With(original, "writer", "eu-north")));
        variants.Add(("header swap: key id of another grain", With(original, "keyId", foreign["keyId"]!.GetValue<string>())));
        variants.Add(("header swap: grain", With(original, "grain", foreign["grain"]!.GetValue<string>())));
        variants.Add(("header swap: nonce and tag of another envelope", With(With(original, "nonce", foreign["nonce"]!.GetValue<string>()), "tag", foreign["tag"]!.GetValue<string>())));
        variants.Add(("envelope moved from another grain", foreign));

        // Act
        var refused = new Dictionary<string, int>();
        var accepted = new List<string>();
        foreach (var (kind, envelope) in variants)
        {
            await envelopes.ReplaceAsync(row, envelope);
            try
            {
                await ReadAsync(storage, grainId);
                accepted.Add(kind);
            }
            catch (StoredStateIntegrityException)
            {
                refused[kind] = refused.GetValueOrDefault(kind) + 1;
            }
        }

        await envelopes.ReplaceAsync(row, original);

        // Assert
        foreach (var (kind, count) in refused)
        {
            output.WriteLine($"{kind}: {count} refused");
        }

        output.WriteLine($"tamper campaign: {variants.Count} altered envelopes, {refused.Values.Sum()} refused ({100.0 * refused.Values.Sum() / variants.Count:F1}%)");
        Assert.Empty(accepted);
        Assert.Equal(variants.Count, refused.Values.Sum());
        Assert.True(variants.Count > 96 + 128 + 8 * 50, "the campaign flipped fewer bits than the envelope has");
        Assert.Equal(victim + "@example.org", (await ReadAsync(storage, grainId)).Records["contact"].Record.Fields["email"]);
    }

    private static async Task<DataSubjectState> ReadAsync(IGrainStorage storage, GrainId grainId)
    {
        var state = new GrainState<DataSubjectState>();
        await storage.ReadStateAsync("subject", grainId, state);
        return state.State!;
    }

    private static JsonObject With(JsonObject envelope, string field, JsonNode value)
    {
        var copy = envelope.DeepClone().AsObject();
        copy[field] = value;
        return copy;
    }
}
