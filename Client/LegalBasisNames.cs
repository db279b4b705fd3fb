using Custodian.Gateway.Protos.Subjects;

namespace Custodian.Cli;

/// <summary>The command-line names of the GDPR Art. 6(1) legal bases, e.g. <c>legitimate-interests</c>.</summary>
internal static class LegalBasisNames
{
    private static readonly Dictionary<string, LegalBasis> _byName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["consent"] = LegalBasis.Consent,
        ["contract"] = LegalBasis.Contract,
        ["legal-obligation"] = LegalBasis.LegalObligation,
        ["vital-interests"] = LegalBasis.VitalInterests,
        ["public-task"] = LegalBasis.PublicTask,
        ["legitimate-interests"] = LegalBasis.LegitimateInterests,
    };

    /// <summary>Every name, in the order of Art. 6(1)(a)-(f).</summary>
    public static string[] All { get; } = [.. _byName.Keys];

    /// <summary>The legal basis a name stands for; the name was checked by the parser.</summary>
    public static LegalBasis Parse(string name) => _byName[name];

    /// <summary>The name of <paramref name="basis"/>, or <c>unspecified</c>.</summary>
    public static string Format(LegalBasis basis) =>
        _byName.FirstOrDefault(pair => pair.Value == basis).Key ?? "unspecified";
}
