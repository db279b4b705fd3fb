using Custodian.Keys;
using Custodian.Storage;

namespace Custodian.Silo.Storage;

/// <summary>The silo's side of <see cref="IKeyCustody"/>: its key ring, key table and shred ledger.</summary>
internal sealed class KeyCustody(IKeyRing ring, DataKeyStore keys, ShredLedger ledger) : IKeyCustody
{
    public string CurrentKekId => ring.Current.KeyId;

    public IReadOnlyList<string> KekIds => ring.KeyIds;

    public Task<string> AddKekVersionAsync() => ring.RotateAsync();

    public Task RetireKekVersionAsync(string kekId) => ring.RetireAsync(kekId);

    public Task<(int Rewrapped, string? Continuation)> RewrapPageAsync(string targetKekId, string? continuation, int pageSize) =>
        keys.RewrapPageAsync(targetKekId, continuation, pageSize);

    public async Task<IReadOnlyDictionary<string, long>> CountDataKeysByKekAsync() => await keys.CountByKekAsync();

    public async Task<string?> KekIdOfAsync(string grainId) => (await keys.FindRowAsync(grainId))?.GetString("KekId");

    public Task<ShredReceipt?> GetShredReceiptAsync(string receiptId) => ledger.GetReceiptAsync(receiptId);
}
