using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core.Cryptography;
using Custodian.Hosting;

namespace Custodian.Silo.Storage;

/// <summary>
/// The local, versioned key-encryption keys of one region, loaded from a key file (never committed,
/// owner-only). New data keys are wrapped by <see cref="Current"/>; older versions still unwrap.
/// </summary>
public sealed class LocalKeyRing : IKeyEncryptionKeyResolver
{
    private const int FileFormat = 1;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly Dictionary<string, LocalKeyEncryptionKey> _versions;

    private LocalKeyRing(LocalKeyEncryptionKey current, Dictionary<string, LocalKeyEncryptionKey> versions)
    {
        Current = current;
        _versions = versions;
    }

    /// <summary>The version that wraps new data keys.</summary>
    public LocalKeyEncryptionKey Current { get; }

    /// <summary>
    /// Loads the key file of ring <paramref name="ringName"/>, creating it with one fresh version when it
    /// is missing and <paramref name="createIfMissing"/> is set. Throws <see cref="InvalidOperationException"/>
    /// with a message fit for an operator (no key material) when the file is missing or corrupt.
    /// </summary>
    public static LocalKeyRing Load(string path, string ringName, bool createIfMissing)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new InvalidOperationException("No key file is configured: set SecureStorage:KeyFile.");
        }

        path = Path.GetFullPath(path);
        if (!File.Exists(path))
        {
            if (!createIfMissing)
            {
                throw new InvalidOperationException($"The key file {path} does not exist, and creating it is not allowed (SecureStorage:CreateKeyFileIfMissing).");
            }

            SecretFiles.CreateOnce(path, () => JsonSerializer.SerializeToUtf8Bytes(NewFile(ringName), Json));
        }

        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            throw Corrupt(path, "it is not valid JSON");
        }

        if (file is null || file.Format != FileFormat)
        {
            throw Corrupt(path, $"its format is not {FileFormat}");
        }

        if (file.Ring != ringName)
        {
            throw Corrupt(path, $"it holds ring '{file.Ring}', not '{ringName}'");
        }

        var versions = new Dictionary<string, LocalKeyEncryptionKey>();
        foreach (var version in file.Versions ?? [])
        {
            byte[] material;
            try
            {
                material = Convert.FromBase64String(version.Key ?? "");
            }
            catch (FormatException)
            {
                throw Corrupt(path, $"version {version.Version} is not valid base64");
            }

            if (material.Length != 32)
            {
                throw Corrupt(path, $"version {version.Version} is not a 32-byte key");
            }

            var key = new LocalKeyEncryptionKey(KeyId(ringName, version.Version), material);
            if (!versions.TryAdd(key.KeyId, key))
            {
                throw Corrupt(path, $"version {version.Version} appears twice");
            }
        }

        if (!versions.TryGetValue(KeyId(ringName, file.Current), out var current))
        {
            throw Corrupt(path, $"its current version {file.Current} is not in it");
        }

        return new LocalKeyRing(current, versions);
    }

    /// <inheritdoc/>
    public IKeyEncryptionKey Resolve(string keyId, CancellationToken cancellationToken = default) =>
        _versions.TryGetValue(keyId, out var key)
            ? key
            : throw new KeyNotFoundException($"The key ring has no key-encryption key {keyId}.");

    /// <inheritdoc/>
    public Task<IKeyEncryptionKey> ResolveAsync(string keyId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Resolve(keyId, cancellationToken));

    private static string KeyId(string ring, int version) => $"local/{ring}/{version}";

    private static KeyFile NewFile(string ring) => new()
    {
        Format = FileFormat,
        Ring = ring,
        Current = 1,
        Versions = [new KeyVersion { Version = 1, CreatedAt = DateTimeOffset.UtcNow, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) }],
    };

    private static InvalidOperationException Corrupt(string path, string reason) =>
        new($"The key file {path} is corrupt: {reason}. The silo does not start without its keys.");

    private sealed class KeyFile
    {
        public int Format { get; set; }

        public string Ring { get; set; } = "";

        public int Current { get; set; }

        public List<KeyVersion>? Versions { get; set; }
    }

    private sealed class KeyVersion
    {
        public int Version { get; set; }

        public DateTimeOffset CreatedAt { get; set; }

        [JsonPropertyName("key")]
        public string? Key { get; set; }
    }
}
