using System.Security.Cryptography;
using Custodian.Silo.Storage;

namespace Custodian.Tests.Storage;

public sealed class LocalKeyRingTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("custodian-kek-").FullName;

    private string KeyFile => Path.Combine(_folder, "eu-west.kek.json");

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void FirstStartCreatesAnOwnerOnlyKeyFileThatLoadsAgainToTheSameKey()
    {
        var created = LocalKeyRing.Load(KeyFile, "eu-west", createIfMissing: true);
        var wrapped = created.Current.WrapKey(LocalKeyEncryptionKey.Algorithm, new byte[32]);

        var reloaded = LocalKeyRing.Load(KeyFile, "eu-west", createIfMissing: false);

        Assert.Equal("local/eu-west/1", reloaded.Current.KeyId);
        Assert.Equal(new byte[32], reloaded.Resolve(created.Current.KeyId).UnwrapKey(LocalKeyEncryptionKey.Algorithm, wrapped));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(KeyFile));
        }
    }

    [Fact]
    public void MissingKeyFileWithoutPermissionToCreateItStopsWithAClearMessage()
    {
        var error = Assert.Throws<InvalidOperationException>(() => LocalKeyRing.Load(KeyFile, "eu-west", createIfMissing: false));

        Assert.Contains("does not exist", error.Message);
        Assert.False(File.Exists(KeyFile));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"format":9,"ring":"eu-west","current":1,"versions":[]}""", "format")]
    [InlineData("""{"format":1,"ring":"eu-north","current":1,"versions":[]}""", "ring")]
    [InlineData("""{"format":1,"ring":"eu-west","current":1,"versions":[{"version":1,"key":"c2hvcnQ="}]}""", "32-byte")]
    [InlineData("""{"format":1,"ring":"eu-west","current":2,"versions":[{"version":1,"key":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="}]}""", "current version")]
    public void CorruptKeyFileStopsWithAClearMessageAndNoKeyMaterial(string content, string reason)
    {
        File.WriteAllText(KeyFile, content);

        var error = Assert.Throws<InvalidOperationException>(() => LocalKeyRing.Load(KeyFile, "eu-west", createIfMissing: true));

        Assert.Contains("corrupt", error.Message);
        Assert.Contains(reason, error.Message);
        Assert.DoesNotContain("AAAAAAAA", error.Message);
        Assert.Equal(content, File.ReadAllText(KeyFile));
    }

    [Fact]
    public void WrappedKeyDoesNotUnwrapUnderAnotherRingOrWhenAltered()
    {
        var ring = LocalKeyRing.Load(KeyFile, "eu-west", createIfMissing: true);
        var other = new LocalKeyEncryptionKey(ring.Current.KeyId, RandomNumberGenerator.GetBytes(32));
        var wrapped = ring.Current.WrapKey(LocalKeyEncryptionKey.Algorithm, RandomNumberGenerator.GetBytes(32));
        var altered = (byte[])wrapped.Clone();
        altered[^1] ^= 1;

        Assert.ThrowsAny<CryptographicException>(() => other.UnwrapKey(LocalKeyEncryptionKey.Algorithm, wrapped));
        Assert.ThrowsAny<CryptographicException>(() => ring.Current.UnwrapKey(LocalKeyEncryptionKey.Algorithm, altered));
        Assert.Throws<KeyNotFoundException>(() => ring.Resolve("local/eu-west/7"));
    }
}
