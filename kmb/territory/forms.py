from django import forms

from kmb.territory.models import Municipality


class MunicipalityForm(forms.ModelForm):
    class Meta:
        model = Municipality
        fields = ["name", "code", "orp", "population"]
