using System.Security.Cryptography;
using System.Text;
using Custodian.Hosting;
using Custodian.Silo.Storage;

namespace Custodian.Tests.Storage;

public sealed class EnvelopeCipherTests : IDisposable
{
    private static readonly EnvelopeStamp Stamp = new(3, 7, "eu-west");
    private readonly DataKey _key = new("dek-a", RandomNumberGenerator.GetBytes(32));
    private readonly string _folder = Directory.CreateTempSubdirectory("custodian-cipher-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void SealedStateOpensForTheSameServiceGrainAndState()
    {
        var envelope = EnvelopeCipher.Seal("hello"u8, _key, "custodian", "datasubject/t/s", "subject", Stamp);

        var plaintext = EnvelopeCipher.Open(envelope, _key, "custodian", "datasubject/t/s", "subject");

        Assert.Equal("hello", Encoding.UTF8.GetString(plaintext));
        Assert.Equal(EnvelopeCipher.FormatVersion, envelope.Format);
        Assert.Equal("dek-a", envelope.KeyId);
        Assert.False(envelope.Ciphertext.AsSpan().SequenceEqual("hello"u8));
    }

    [Theory]
    [InlineData("other-service", "datasubject/t/s", "subject")]
    [InlineData("custodian", "datasubject/t/other", "subject")]
    [InlineData("custodian", "datasubject/t/s", "other-state")]
    public void EnvelopeDoesNotOpenForAnotherServiceGrainOrState(string service, string grain, string state)
    {
        var envelope = EnvelopeCipher.Seal("hello"u8, _key, "custodian", "datasubject/t/s", "subject", Stamp);

        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(envelope, _key, service, grain, state));
    }

    [Fact]
    public void EnvelopeDoesNotOpenUnderAnotherKeyOrWithAChangedHeader()
    {
        var envelope = EnvelopeCipher.Seal("hello"u8, _key, "custodian", "g", "s", Stamp);
        var otherKey = new DataKey("dek-a", RandomNumberGenerator.GetBytes(32));
        var relabelled = Copy(envelope, e => e.KeyId = "dek-b");
        var reformatted = Copy(envelope, e => e.Format = 1);

        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(envelope, otherKey, "custodian", "g", "s"));
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(relabelled, new DataKey("dek-b", _key.Material), "custodian", "g", "s"));
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(reformatted, _key, "custodian", "g", "s"));
    }

    [Theory]
    [InlineData("epoch")]
    [InlineData("version")]
    [InlineData("writer")]
    public void AnEnvelopeWhoseStampWasChangedDoesNotOpen(string field)
    {
        // An older envelope put back with a newer stamp (so that it passes for the latest write) must not open.
        var envelope = EnvelopeCipher.Seal("hello"u8, _key, "custodian", "g", "s", Stamp);
        var restamped = Copy(envelope, e => _ = field switch
        {
            "epoch" => e.Epoch = 4,
            "version" => e.Version = 8,
            _ => (e.Writer = "eu-north").Length,
        });

        Assert.Equal(Stamp, envelope.Stamp);
        Assert.True(EnvelopeCipher.Opens(envelope, _key, "custodian", "g", "s"));
        Assert.False(EnvelopeCipher.Opens(restamped, _key, "custodian", "g", "s"));
    }

    [Fact]
    public void ATombstoneIsAuthenticOnlyWithItsMacAndUnchanged()
    {
        var keys = AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(_folder, "audit.key"), CreateKeyIfMissing = true });
        var otherKeys = AuditKeys.Load(new AuditOptions { KeyFile = Path.Combine(_folder, "other.key"), CreateKeyIfMissing = true });
        var at = new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);
        var tombstone = EnvelopeCipher.Tombstone(keys, "custodian", "g", "s", Stamp, at, "shred-1");

        Assert.True(EnvelopeCipher.IsAuthenticTombstone(tombstone, keys, "custodian", "g", "s"));
        Assert.False(EnvelopeCipher.IsAuthenticTombstone(tombstone, otherKeys, "custodian", "g", "s"));
        Assert.False(EnvelopeCipher.IsAuthenticTombstone(tombstone, keys, "custodian", "other-grain", "s"));
        Assert.False(EnvelopeCipher.IsAuthenticTombstone(tombstone, keys, "custodian", "g", "other-state"));
        Assert.False(EnvelopeCipher.IsAuthenticTombstone(Copy(tombstone, e => e.Mac = null), keys, "custodian", "g", "s"));
        Assert.False(EnvelopeCipher.IsAuthenticTombstone(Copy(tombstone, e => e.Version = 8), keys, "custodian", "g", "s"));
        Assert.False(EnvelopeCipher.IsAuthenticTombstone(Copy(tombstone, e => e.Erased = new ErasedMarker { At = at, ReceiptId = "shred-2" }), keys, "custodian", "g", "s"));
        Assert.False(EnvelopeCipher.IsAuthenticTombstone(Copy(tombstone, e => e.Erased = new ErasedMarker { At = at.AddTicks(1), ReceiptId = "shred-1" }), keys, "custodian", "g", "s"));
    }

    [Fact]
    public void AFormatOneEnvelopeOpensOnlyWhenUnstampedEnvelopesAreReadForAnUpgrade()
    {
        // Sealed as format 1 was: associated data without the stamp.
        var plaintext = "legacy"u8.ToArray();
        var legacy = new EncryptedEnvelope
        {
            Format = 1, Grain = "g", KeyId = _key.KeyId, Nonce = RandomNumberGenerator.GetBytes(12), Ciphertext = new byte[plaintext.Length], Tag = new byte[16],
            Epoch = 3, Version = 7,
        };
        var associated = new List<byte>();
        foreach (var part in new[] { "custodian-envelope", "1", _key.KeyId, "custodian", "g", "s" })
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            associated.AddRange(BitConverter.GetBytes(System.Buffers.Binary.BinaryPrimitives.ReverseEndianness(bytes.Length)));
            associated.AddRange(bytes);
        }

        using (var aes = new AesGcm(_key.Material, 16))
        {
            aes.Encrypt(legacy.Nonce, plaintext, legacy.Ciphertext, legacy.Tag, associated.ToArray());
        }

        Assert.False(EnvelopeCipher.Opens(legacy, _key, "custodian", "g", "s"));
        Assert.Equal("legacy", Encoding.UTF8.GetString(EnvelopeCipher.Open(legacy, _key, "custodian", "g", "s", unstamped: true)));
        Assert.False(EnvelopeCipher.Opens(Copy(legacy, e => e.Grain = "h"), _key, "custodian", "h", "s", unstamped: true));
    }

    [Fact]
    public void EveryWriteUsesAFreshNonce()
    {
        var first = EnvelopeCipher.Seal("same"u8, _key, "c", "g", "s", Stamp);
        var second = EnvelopeCipher.Seal("same"u8, _key, "c", "g", "s", Stamp);

        Assert.NotEqual(first.Nonce, second.Nonce);
        Assert.NotEqual(first.Ciphertext, second.Ciphertext);
    }

    [Fact]
    public void DestroyedKeyIsZeroedAndShowsOnlyItsId()
    {
        var key = new DataKey("dek-z", RandomNumberGenerator.GetBytes(32));

        key.Destroy();

        Assert.All(key.Material, b => Assert.Equal(0, b));
        Assert.Equal("DataKey { KeyId = dek-z }", key.ToString());
    }

    private static EncryptedEnvelope Copy(EncryptedEnvelope envelope, Action<EncryptedEnvelope> change)
    {
        var copy = new EncryptedEnvelope
        {
            Format = envelope.Format, Grain = envelope.Grain, KeyId = envelope.KeyId, Nonce = envelope.Nonce, Ciphertext = envelope.Ciphertext,
            Tag = envelope.Tag, Erased = envelope.Erased, Epoch = envelope.Epoch, Version = envelope.Version, Writer = envelope.Writer, Mac = envelope.Mac,
        };
        change(copy);
        return copy;
    }
}
