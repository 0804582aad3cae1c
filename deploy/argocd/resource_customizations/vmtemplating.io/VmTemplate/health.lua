-- Argo CD health of a VmTemplate, from the status the operator writes (README "API").
local hs = { status = "Progressing", message = "waiting for the operator" }
local function readyCondition(status)
  if status.conditions ~= nil then
    for _, c in ipairs(status.conditions) do
      if c.type == "Ready" then return c end
    end
  end
  return nil
end
if obj.status == nil then return hs end
if obj.status.observedGeneration ~= nil and obj.metadata.generation ~= nil
    and obj.status.observedGeneration < obj.metadata.generation then
  hs.message = "the operator has not seen this generation yet"
  return hs
end
local ready = readyCondition(obj.status)
local message = ready ~= nil and (ready.reason .. ": " .. ready.message) or ""
local phase = obj.status.phase
if phase == "Ready" then
  hs.status = "Healthy"
elseif phase == "Failed" then
  hs.status = "Degraded"
else
  -- Pending (a failed build retrying says BuildFailed here), Booting, Freezing, Deleting
  hs.status = "Progressing"
end
hs.message = message ~= "" and message or ("phase " .. tostring(phase))
return hs
