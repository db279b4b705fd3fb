using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;

namespace Custodian.Hosting;

/// <summary>The local JWT signing key: base64 of at least 32 bytes, as text or in a file.</summary>
public static class SigningKeys
{
    /// <summary>The key in <paramref name="path"/>; <see cref="InvalidOperationException"/> when it is missing or unusable.</summary>
    public static SymmetricSecurityKey ReadFile(string path) => File.Exists(path)
        ? Parse(File.ReadAllText(path).Trim())
        : throw new InvalidOperationException($"The JWT signing key file does not exist: {Path.GetFullPath(path)}");

    /// <summary>The key written as <paramref name="base64"/>; <see cref="InvalidOperationException"/> when it is unusable.</summary>
    public static SymmetricSecurityKey Parse(string base64)
    {
        byte[] key;
        try
        {
            key = Convert.FromBase64String(base64);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("The JWT signing key is not valid base64.");
        }

        if (key.Length < 32)
        {
            throw new InvalidOperationException("The JWT signing key must be at least 32 bytes.");
        }

        return new SymmetricSecurityKey(key) { KeyId = Convert.ToHexString(SHA256.HashData(key))[..16] };
    }

    /// <summary>A new random key, base64, for a development key file.</summary>
    public static string NewBase64() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
}
