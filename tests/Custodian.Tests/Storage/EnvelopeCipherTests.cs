using System.Security.Cryptography;
using System.Text;
using Custodian.Silo.Storage;

namespace Custodian.Tests.Storage;

public sealed class EnvelopeCipherTests
{
    private readonly DataKey _key = new("dek-a", RandomNumberGenerator.GetBytes(32));

    [Fact]
    public void SealedStateOpensForTheSameServiceGrainAndState()
    {
        var envelope = EnvelopeCipher.Seal("hello"u8, _key, "custodian", "datasubject/t/s", "subject");

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
        var envelope = EnvelopeCipher.Seal("hello"u8, _key, "custodian", "datasubject/t/s", "subject");

        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(envelope, _key, service, grain, state));
    }

    [Fact]
    public void EnvelopeDoesNotOpenUnderAnotherKeyOrWithAChangedHeader()
    {
        var envelope = EnvelopeCipher.Seal("hello"u8, _key, "custodian", "g", "s");
        var otherKey = new DataKey("dek-a", RandomNumberGenerator.GetBytes(32));
        var relabelled = new EncryptedEnvelope { Format = 1, Grain = "g", KeyId = "dek-b", Nonce = envelope.Nonce, Ciphertext = envelope.Ciphertext, Tag = envelope.Tag };
        var reformatted = new EncryptedEnvelope { Format = 2, Grain = "g", KeyId = "dek-a", Nonce = envelope.Nonce, Ciphertext = envelope.Ciphertext, Tag = envelope.Tag };

        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(envelope, otherKey, "custodian", "g", "s"));
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(relabelled, new DataKey("dek-b", _key.Material), "custodian", "g", "s"));
        Assert.ThrowsAny<CryptographicException>(() => EnvelopeCipher.Open(reformatted, _key, "custodian", "g", "s"));
    }

    [Fact]
    public void EveryWriteUsesAFreshNonce()
    {
        var first = EnvelopeCipher.Seal("same"u8, _key, "c", "g", "s");
        var second = EnvelopeCipher.Seal("same"u8, _key, "c", "g", "s");

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
}
