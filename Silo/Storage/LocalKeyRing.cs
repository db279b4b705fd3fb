using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using Azure.Core.Cryptography;
using Custodian.Hosting;

namespace Custodian.Silo.Storage;

/// <summary>
/// The local, versioned key-encryption keys of one region, loaded from a key file (never committed,
/// owner-only). New data keys are wrapped by <see cref="Current"/>; older versions still unwrap until
/// retired. Silos of a region that share the file pick up a rotation by another silo: the file is
/// read again when it changed, checked at most once a second.
/// </summary>
public sealed class LocalKeyRing : IKeyRing
{
    private const int FileFormat = 1;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };
    private readonly string _path;
    private readonly string _ring;
    private readonly Lock _lock = new();
    private Snapshot _snapshot;
    private long _nextCheck;

    private LocalKeyRing(string path, string ring, Snapshot snapshot)
    {
        _path = path;
        _ring = ring;
        _snapshot = snapshot;
    }

    /// <summary>The version that wraps new data keys.</summary>
    public IKeyEncryptionKey Current => Fresh().Current;

    /// <inheritdoc/>
    public IReadOnlyList<string> KeyIds => [.. Fresh().Versions.Keys.Order(StringComparer.Ordinal)];

    /// <inheritdoc/>
    public string WrapAlgorithm => LocalKeyEncryptionKey.Algorithm;

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

        return new LocalKeyRing(path, ringName, Parse(path, ringName));
    }
    /// <inheritdoc/>
    public IKeyEncryptionKey Resolve(string keyId, CancellationToken cancellationToken = default)
    {
        if (Fresh().Versions.TryGetValue(keyId, out var key) || Reload().Versions.TryGetValue(keyId, out key))
        {
            return key;
        }

        throw new KeyNotFoundException($"The key ring has no key-encryption key {keyId} (retired, or from another ring).");
    }

    /// <inheritdoc/>
    public Task<IKeyEncryptionKey> ResolveAsync(string keyId, CancellationToken cancellationToken = default) =>
        Task.FromResult(Resolve(keyId, cancellationToken));

    /// <inheritdoc/>
    public Task<string> RotateAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var file = ReadFile(_path);
            var version = file.Versions!.Max(v => v.Version) + 1;
            file.Versions!.Add(NewVersion(version));
            file.Current = version;
            WriteFile(file);
            return Task.FromResult(Reload().Current.KeyId);
        }
    }

    /// <inheritdoc/>
    public Task RetireAsync(string keyId, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var file = ReadFile(_path);
            if (KeyId(_ring, file.Current) == keyId)
            {
                throw new InvalidOperationException($"{keyId} is the current key-encryption key and cannot be retired.");
            }

            file.Versions!.RemoveAll(v => KeyId(_ring, v.Version) == keyId);
            WriteFile(file);
            Reload();
            return Task.CompletedTask;
        }
    }

    private Snapshot Fresh()
    {
        var now = Environment.TickCount64;
        if (now < Volatile.Read(ref _nextCheck))
        {
            return _snapshot;
        }

        Volatile.Write(ref _nextCheck, now + 1000);
        return File.GetLastWriteTimeUtc(_path) == _snapshot.WrittenAt ? _snapshot : Reload();
    }

    private Snapshot Reload()
    {
        lock (_lock)
        {
            return _snapshot = Parse(_path, _ring);
        }
    }

    private void WriteFile(KeyFile file)
    {
        var temp = _path + "." + Guid.NewGuid().ToString("N") + ".tmp";
        SecretFiles.WriteOwnerOnly(temp, JsonSerializer.SerializeToUtf8Bytes(file, Json));
        File.Move(temp, _path, overwrite: true);
    }

    private static KeyFile ReadFile(string path)
    {
        KeyFile? file;
        try
        {
            file = JsonSerializer.Deserialize<KeyFile>(File.ReadAllBytes(path), Json);
        }
        catch (JsonException)
        {
            throw Corrupt(path, "it is not valid JSON");
        }

        if (file is null || file.Format != FileFormat || file.Versions is null)
        {
            throw Corrupt(path, $"its format is not {FileFormat}");
        }

        return file;
    }

    private static Snapshot Parse(string path, string ringName)
    {
        var writtenAt = File.GetLastWriteTimeUtc(path);
        var file = ReadFile(path);
        if (file.Ring != ringName)
        {
            throw Corrupt(path, $"it holds ring '{file.Ring}', not '{ringName}'");
        }

        var versions = new Dictionary<string, LocalKeyEncryptionKey>();
        foreach (var version in file.Versions!)
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

        return new Snapshot(current, versions, writtenAt);
    }

    private static string KeyId(string ring, int version) => $"local/{ring}/{version}";

    private static KeyFile NewFile(string ring) => new()
    {
        Format = FileFormat,
        Ring = ring,
        Current = 1,
        Versions = [NewVersion(1)],
    };

    private static KeyVersion NewVersion(int version) =>
        new() { Version = version, CreatedAt = DateTimeOffset.UtcNow, Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)) };

    private static InvalidOperationException Corrupt(string path, string reason) =>
        new($"The key file {path} is corrupt: {reason}. The silo does not start without its keys.");

    private sealed record Snapshot(LocalKeyEncryptionKey Current, Dictionary<string, LocalKeyEncryptionKey> Versions, DateTime WrittenAt);

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
