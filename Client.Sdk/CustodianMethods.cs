using Grpc.Core;

namespace Custodian.Client;

/// <summary>Which Custodian methods are writes: those get an <see cref="IdempotencyKey"/>.</summary>
public static class CustodianMethods
{
    // Custodian's reads are named for what they do (GetRecord, ListCategories, Export, ExportGrantLog, VerifyTrail, QueryTrail);
    // everything else changes something. A test lists every method with its kind, so a new one is decided, not guessed.
    private static readonly string[] _readPrefixes = ["Get", "List", "Export", "Verify", "Query"];

    /// <summary>True when <paramref name="method"/> changes something (so a repeat of it could change it twice).</summary>
    public static bool IsWrite(IMethod method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return IsWrite(method.Name);
    }

    /// <summary>True when the method named <paramref name="methodName"/> (e.g. <c>PutRecord</c>) changes something.</summary>
    public static bool IsWrite(string methodName) =>
        !_readPrefixes.Any(prefix => methodName.StartsWith(prefix, StringComparison.Ordinal)
            && (methodName.Length == prefix.Length || char.IsUpper(methodName[prefix.Length])));
}
